# Pinned Fabric version, shared by every scripts/fabric/*.sh (sourced, not run).
#
# Fabric's module path has no /v2 suffix, so its release tags are not valid Go
# module versions; a commit is named by its pseudo-version instead. The Go
# module proxy reachable here refuses the v2.5.16 and v2.5.15 release commits
# ("403 This module version is not available") but serves the head of the
# release-2.5 branch: v2.5.15 plus five commits (a grpc bump, a Go 1.26.1 bump
# and three documentation link fixes). That is what we pin.
FABRIC_VERSION="2.5.15-5-g2ab85f97b"
FABRIC_COMMIT="2ab85f97b1d3"
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_MODULE_VERSION="v1.4.0-rc1.0.20260325124038-2ab85f97b1d3"

# The checksum database has no entry for this pseudo-version (404), so go
# cannot verify the download by itself. We pin its hashes in the build
# module's go.sum instead; go then refuses any other content. They were taken
# from a download whose tree we compared file by file with the git commit.
FABRIC_MODULE_SUM="h1:oS9cccSKHilOHKd7nazpjIxe9gMi0tsgdT4hALYVLZ8="
FABRIC_MODULE_GOMOD_SUM="h1:P/cID1/Xc7X+1ibpxt1YOy/5mRNBDHLRDIuFsRIghhA="
