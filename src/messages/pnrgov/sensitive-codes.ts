/**
 * The shipped list of SSR codes whose mere presence reveals data that EU PNR Directive 2016/681
 * Art. 13(4) forbids a PIU to process ("racial or ethnic origin, political opinions, religion or
 * philosophical beliefs, trade union membership, health, sex life or sexual orientation"), to be
 * deleted on receipt. Codes and meanings are those of the IATA SSR code list (AIRIMP, Reservations
 * Interline Message Procedures – Passenger; the PADIS code set 4440/9980 references it); the
 * categories follow Art. 13(4) and the Article 29 Working Party and EDPS opinions on the PNR
 * Directive proposal (2011), which name special meals and medical service requests as the usual
 * carriers of such data. docs/sensitive-data.md "The code list" is the reader's version of this
 * table; an agreement adds codes (`sensitiveData.ssrCodes`), never removes them.
 *
 * Deliberately not listed (not an Art. 13(4) category): CHML/BBML (child/baby meal: age), FPML
 * and SFML (fruit/seafood: taste), UMNR (unaccompanied minor: the Directive's Annex I item 12
 * asks for it), DEPA/DEPU (deportee: not a listed category), PETC/AVIH (animals), EXST/CBBG.
 */

export type SensitiveCategory = 'religion or beliefs' | 'health' | 'racial or ethnic origin'

export interface SensitiveCode {
  code: string
  category: SensitiveCategory
  /** What the code means in the IATA SSR list. */
  meaning: string
}

/**
 * Bumped whenever a code is added or removed, so that the forward header, the metric's reader and
 * the officer can tell which list filtered a transmission (docs/sensitive-data.md "Versions").
 */
export const SENSITIVE_LIST_VERSION = 'eu-2016-681-art13.4/2025.1'

const religion = (code: string, meaning: string): SensitiveCode => ({ code, category: 'religion or beliefs', meaning })
const health = (code: string, meaning: string): SensitiveCode => ({ code, category: 'health', meaning })
const origin = (code: string, meaning: string): SensitiveCode => ({ code, category: 'racial or ethnic origin', meaning })

export const SENSITIVE_SSR_CODES: readonly SensitiveCode[] = Object.freeze([
  // Meals that state a religion or a philosophical belief (vegetarian and vegan diets included:
  // "philosophical beliefs" in Art. 13(4); the Art. 29 WP opinion names meal preferences).
  religion('MOML', 'Muslim meal'),
  religion('KSML', 'kosher meal'),
  religion('HNML', 'Hindu meal'),
  religion('VJML', 'vegetarian Jain meal'),
  religion('AVML', 'Asian (Hindu) vegetarian meal'),
  religion('VOML', 'vegetarian oriental meal'),
  religion('VLML', 'vegetarian lacto-ovo meal'),
  religion('VGML', 'vegetarian vegan meal'),
  religion('RVML', 'raw vegetarian meal'),
  origin('ORML', 'oriental meal'),
  // Meals prescribed for a medical condition.
  health('DBML', 'diabetic meal'),
  health('GFML', 'gluten-free meal'),
  health('BLML', 'bland meal'),
  health('LCML', 'low-calorie meal'),
  health('LFML', 'low-fat / low-cholesterol meal'),
  health('LSML', 'low-salt meal'),
  health('NLML', 'low-lactose meal'),
  health('LPML', 'low-protein meal'),
  health('HFML', 'high-fibre meal'),
  // A special meal "specify in free text": the text usually names a diet or a condition.
  health('SPML', 'special meal, specified in free text'),
  // Persons with reduced mobility and medical cases (the IATA/ECAC PRM codes, Regulation (EC)
  // 1107/2006 Annex II): each states a disability or a medical condition.
  health('MEDA', 'medical case'),
  health('STCR', 'stretcher passenger'),
  health('WCHR', 'wheelchair for the ramp'),
  health('WCHS', 'wheelchair, cannot use steps'),
  health('WCHC', 'wheelchair to the cabin seat'),
  health('WCHP', 'wheelchair, lower-limb disability'),
  health('WCBD', 'own wheelchair, dry-cell battery'),
  health('WCBW', 'own wheelchair, wet-cell battery'),
  health('WCLB', 'own wheelchair, lithium battery'),
  health('WCMP', 'own manual wheelchair'),
  health('WCOB', 'on-board wheelchair'),
  health('BLND', 'blind passenger'),
  health('DEAF', 'deaf passenger'),
  health('DPNA', 'disabled passenger needing assistance (intellectual or developmental)'),
  health('OXYG', 'oxygen on board'),
  health('SVAN', 'service animal in cabin'),
  health('ESAN', 'emotional support animal in cabin'),
  health('MAAS', 'meet and assist')
])

/**
 * SSR codes whose free text (C334, component 9 onwards) is structured data the PIU is entitled to
 * (Annex I of the Directive: documents, tickets, contacts, frequent flyer, seats, infants): with
 * `freeText: drop` their text is kept; the free text of every other SSR is removed.
 */
export const STRUCTURED_SSR_CODES: ReadonlySet<string> = new Set([
  'DOCS', 'DOCA', 'DOCO', 'FOID', 'TKNE', 'TKNA', 'TKNM', 'TKTL', 'INFT', 'CHLD', 'UMNR',
  'CTCE', 'CTCM', 'CTCH', 'CTCB', 'CTCA', 'CTCP', 'CTCF', 'CTCT', 'PCTC',
  'FQTV', 'FQTR', 'FQTS', 'FQTU', 'SEAT', 'RQST', 'NSST', 'NSSA', 'NSSW', 'NSSB', 'SMST', 'SMSA', 'SMSW',
  'GRPS', 'GRPF', 'TWOV'
])

/**
 * IFT free-text types (C346 9980, PNRGOV guide) that are machine-made data rather than remarks:
 * 15 fare calculation, 43 sponsor information (name, address, telephone). Every other IFT (28 OSI
 * and the remark types) is a remark that `freeText: drop` removes.
 */
export const DATA_IFT_TYPES: ReadonlySet<string> = new Set(['15', '43'])
