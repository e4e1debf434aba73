/**
 * How customers spell vendors and products is not how the registry does: "NetApp, Inc.", "netapp",
 * "NETAPP INC" and "Net App" are one company. Names are compared as token lists after normalising
 * case, accents, punctuation and legal suffixes.
 */

/** Legal forms that say nothing about which company it is. */
const COMPANY_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company',
  'gmbh', 'ag', 'se', 'sa', 'sas', 'nv', 'bv', 'plc', 'pty', 'kk', 'oy', 'ab', 'as', 'spa', 'srl',
]);

/** Lowercase words, accents and punctuation removed; `&` reads as "and". */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Dotted abbreviations ("N.V.", "S.A.") become one word before punctuation splits words.
    .replace(/\b((?:[a-z]\.){2,})/g, (m) => m.replace(/\./g, ''))
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A company name without its legal form: "NetApp, Inc." → "netapp"; "Palo Alto Networks, Inc." → "palo alto networks". */
export function companyKey(name: string): string {
  const tokens = nameTokens(name);
  while (tokens.length > 1 && COMPANY_SUFFIXES.has(tokens.at(-1)!)) tokens.pop();
  return tokens.join(' ');
}

/** The same company, also when one side writes it as one word ("Net App" = "NetApp"). */
export function sameCompany(a: string, b: string): boolean {
  const [ka, kb] = [companyKey(a), companyKey(b)];
  return ka !== '' && (ka === kb || ka.replaceAll(' ', '') === kb.replaceAll(' ', ''));
}

/**
 * Whether `needle` appears in `haystack` as whole words, in order: "Cloud Volumes ONTAP" is in
 * "NetApp Cloud Volumes ONTAP 9.14", "Spark" is in "Apache Spark 3.5" but not in "Sparkle".
 * Also matches when the haystack writes the words together ("MongoDB" vs "Mongo DB").
 */
export function containsName(haystack: string, needle: string): boolean {
  const hay = nameTokens(haystack);
  const words = nameTokens(needle);
  if (words.length === 0) return false;
  for (let i = 0; i + words.length <= hay.length; i++) {
    if (words.every((w, j) => hay[i + j] === w)) return true;
  }
  // "Mongo DB" in the haystack against "MongoDB" in the registry: consecutive words that spell it.
  const joined = words.join('');
  for (let i = 0; i < hay.length; i++) {
    let spelled = '';
    for (let j = i; j < hay.length && spelled.length < joined.length; j++) spelled += hay[j];
    if (spelled === joined) return true;
  }
  return false;
}
