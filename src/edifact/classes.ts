/**
 * Character classes shared by the tokenizer and the character-set check (ISO 9735-1 Annex A). Each
 * repertoire holds either all of a class or none of it, so a segment whose characters all fall in
 * classes of the declared repertoire has no bad value. The tokenizer notes the classes of each
 * segment's characters as it scans them; the check then looks at the values of the other segments
 * only, instead of making a second pass over every byte.
 */

/** Upper case, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < > (level A). */
export const LEVEL_A = 1
export const LOWER_CASE = 2
/** Printable ASCII in neither class above, except '$'. */
const OTHER_ASCII = 4
/** '$' alone: it may start an unexpanded harness macro `$(`, which is looked for value by value. */
export const DOLLAR = 8
/** 0xa0–0xff, the G1 half of ISO 8859. */
const HIGH_LATIN = 16
/** ESC, the ISO 2022 code extension character (UNOX). */
const ESCAPE = 32
/** Other C0 and C1 controls, DEL, and anything above 0xff. */
export const CONTROL = 64
/** Not a class: marks a service character in a copy of CLASS_OF (the tokenizer's one lookup per character). */
export const SERVICE = 128

const LEVEL_A_PUNCTUATION = ' .,-()/=\'+:?!"%&*;<>'

function classOf (c: number): number {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || LEVEL_A_PUNCTUATION.includes(String.fromCharCode(c))) return LEVEL_A
  if (c >= 0x61 && c <= 0x7a) return LOWER_CASE
  if (c === 0x24) return DOLLAR
  if (c >= 0x20 && c <= 0x7e) return OTHER_ASCII
  if (c >= 0xa0 && c <= 0xff) return HIGH_LATIN
  return c === 0x1b ? ESCAPE : CONTROL
}

/** The class of each latin1 character; anything above 0xff is CONTROL. */
export const CLASS_OF = new Uint8Array(256)
for (let c = 0; c < CLASS_OF.length; c++) CLASS_OF[c] = classOf(c)

/** The classes wholly inside `table` (a 256-entry membership table), '$' never among them. */
export function classesWithin (table: Uint8Array): number {
  let inside = LEVEL_A | LOWER_CASE | OTHER_ASCII | HIGH_LATIN | ESCAPE | CONTROL
  for (let c = 0; c < 256; c++) if (table[c] !== 1) inside &= ~CLASS_OF[c]
  return inside & ~DOLLAR
}
