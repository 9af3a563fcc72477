// Field-level validation errors, formatted the way apimachinery's field.Error prints them
// (staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go), because users search for these texts.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marker for "no bad value to print" (upstream's omitValue). */
export const OMIT_VALUE = Symbol('omitValue');

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** Text after the field path, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
  errorBody(): string {
    let s = typeText[this.type];
    const showValue =
      this.badValue !== OMIT_VALUE &&
      (this.type === 'FieldValueInvalid' || this.type === 'FieldValueTypeInvalid' ||
        this.type === 'FieldValueNotSupported' || this.type === 'FieldValueDuplicate' ||
        this.type === 'FieldValueNotFound' || (this.type === 'FieldValueTooMany' && this.badValue !== undefined));
    if (showValue) s += `: ${formatBadValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  /** Full text: `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
  toString(): string {
    return this.field ? `${this.field}: ${this.errorBody()}` : this.errorBody();
  }
}

/** A bad value printed as Go's %#v prints it where no JSON form matches (a uint64 zero is `0x0`). */
export class GoSyntax {
  constructor(readonly text: string) {}
}

export function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof GoSyntax) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

// Constructors mirroring field.Required(path, detail) etc.
export const required = (field: string, detail = '') => new FieldError('FieldValueRequired', field, OMIT_VALUE, detail);
export const invalid = (field: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', field, value, detail);
export const forbidden = (field: string, detail: string) => new FieldError('FieldValueForbidden', field, OMIT_VALUE, detail);
export const duplicate = (field: string, value: unknown) => new FieldError('FieldValueDuplicate', field, value, '');
export const notFound = (field: string, value: unknown) => new FieldError('FieldValueNotFound', field, value, '');
export const internalError = (field: string, detail: string) => new FieldError('InternalError', field, OMIT_VALUE, detail);
export const tooLong = (field: string, maxLength: number) =>
  new FieldError('FieldValueTooLong', field, OMIT_VALUE, `may not be more than ${maxLength} bytes`);
export const tooMany = (field: string, actual: number | undefined, max: number) =>
  new FieldError('FieldValueTooMany', field, actual, `must have at most ${max} items`);
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const detail = supported.length ? 'supported values: ' + supported.map((s) => JSON.stringify(s)).join(', ') : '';
  return new FieldError('FieldValueNotSupported', field, value, detail);
}

/** Joins path segments like field.NewPath("spec").Child("template").Index(0).Key("app"). */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name: string): FieldPath { return new FieldPath(name); }
  child(name: string): FieldPath { return new FieldPath(this.text ? `${this.text}.${name}` : name); }
  index(i: number): FieldPath { return new FieldPath(`${this.text}[${i}]`); }
  key(k: string): FieldPath { return new FieldPath(`${this.text}[${k}]`); }
  toString(): string { return this.text; }
}
