/** The part of @digitalbazaar/vc-bitstring-status-list (ESM, untyped) the tests use as an independent decoder. */
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export interface BitstringStatusList {
    length: number;
    getStatus(index: number): boolean;
  }
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
}
