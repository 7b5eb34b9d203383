/** Placeholder until this page is built; replaced before the portal lands. */
export default function Page() {
  return <section class="page" />;
}
