// Domain types of registry data (K-REG-2), as the Tunduk adapters return them. Dates are YYYY-MM-DD.

export type Sex = 'F' | 'M';

export type Person = {
  pin: string;
  surname: string;
  name: string;
  patronymic?: string;
  sex: Sex;
  birthDate: string;
  /** ISO 3166-1 alpha-3, e.g. "KGZ" */
  citizenship?: string;
};

export type BirthCertificate = {
  series: string;
  number: string;
  issuedBy: string;
  issuedOn: string;
};

export type BirthRecord = {
  childPin: string;
  certificate: BirthCertificate;
  motherPin?: string;
  fatherPin?: string;
  birthDate: string;
  sex: Sex;
  surname: string;
  name: string;
  patronymic?: string;
};

export type Guardianship = {
  guardianPin: string;
  /** guardian (опека, a child under 14) or trustee (попечительство, 14–18) */
  kind: 'guardian' | 'trustee';
  since: string;
  until?: string;
};

export type Passport = {
  series: string;
  number: string;
  issuedBy: string;
  issuedOn: string;
  validUntil: string;
};

export type RegisteredAddress = {
  districtId: string;
  settlement: string;
  street: string;
  /** as written, e.g. "12" or "12а" */
  house: string;
  apartment?: string;
  registeredSince: string;
};

export type MilitaryStatus = { serving: boolean; unit?: string; since?: string };

export type KairylmanStatus = { kairylman: boolean; since?: string };

/** How the person asking relates to the child (K-REG-4). */
export type ChildRelation = 'mother' | 'father' | 'guardian';

export type CertificateField = 'series' | 'number';

export type VerifyChildResult =
  | { status: 'ok'; record: BirthRecord; relation: ChildRelation | null }
  | {
      status: 'mismatch';
      /** the fields the parent typed that disagree with the registry */
      fields: CertificateField[];
      relation: ChildRelation | null;
    }
  | { status: 'invalid_pin'; reason: string }
  /** no person with this PIN */
  | { status: 'not_found' }
  /**
   * the person exists but the registry has no birth record (e.g. born abroad); the relation can then
   * only be a registered guardianship
   */
  | { status: 'no_birth_record'; relation: 'guardian' | null };
