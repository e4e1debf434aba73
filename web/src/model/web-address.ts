/**
 * Whether a link target is a web page (http or https). Addresses people typed (a vendor's support
 * page) are shown as links only then: a `javascript:` or `data:` URL in an href would run in the
 * reader's page. The server refuses them too; this holds for records written before it did.
 */
export function isWebAddress(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
