// Upstream prints non-primitive bad values of field errors with Go's %#v of the internal apiextensions types
// (e.g. the versions list in "must have exactly one version marked as storage version"). These helpers rebuild
// that text; pointers print as a stable fake address since the real one is meaningless to a reader.
import { FieldError, OMIT_VALUE } from '../apimachinery/field-errors.js';
import type { CRDVersion, PrinterColumn } from './types.js';
import { goStringSlice } from '../apimachinery/go-syntax.js';

/** A FieldError whose bad value is already Go-formatted text (printed verbatim, not quoted). */
export class GoValueError extends FieldError {
  constructor(type: FieldError['type'], field: string, private readonly goText: string, detail: string) {
    super(type, field, OMIT_VALUE, detail);
  }

  override errorBody(): string {
    const head = this.type === 'FieldValueNotSupported' ? 'Unsupported value' : 'Invalid value';
    return `${head}: ${this.goText}${this.detail ? `: ${this.detail}` : ''}`;
  }
}

export const invalidGo = (field: string, goText: string, detail: string) => new GoValueError('FieldValueInvalid', field, goText, detail);

const FAKE_POINTER = '0xc000a1c000';
const goString = (s: string | undefined) => JSON.stringify(s ?? '');
const ptr = (type: string, present: boolean) => `(*${type})(${present ? FAKE_POINTER : 'nil'})`;

export { goStringSlice };

function goColumns(cols: PrinterColumn[] | null | undefined): string {
  const t = 'apiextensions.CustomResourceColumnDefinition';
  if (!cols || cols.length === 0) return `[]${t}(nil)`;
  const items = cols.map((c) =>
    `${t}{Name:${goString(c.name)}, Type:${goString(c.type)}, Format:${goString(c.format)}, Description:${goString(c.description)}, Priority:${c.priority ?? 0}, JSONPath:${goString(c.jsonPath)}}`);
  return `[]${t}{${items.join(', ')}}`;
}

function goSelectableFields(fields: { jsonPath: string }[] | null | undefined): string {
  const t = 'apiextensions.SelectableField';
  if (!fields || fields.length === 0) return `[]${t}(nil)`;
  return `[]${t}{${fields.map((f) => `${t}{JSONPath:${goString(f.jsonPath)}}`).join(', ')}}`;
}

/**
 * `[]apiextensions.CustomResourceDefinitionVersion{…}` as the internal type prints after conversion from v1: fields
 * that are identical across all versions were hoisted to the spec, so they print as nil here (`hoisted`).
 */
export function goVersions(versions: CRDVersion[], hoisted: { schema: boolean; subresources: boolean; columns: boolean; selectableFields: boolean }): string {
  const t = 'apiextensions.CustomResourceDefinitionVersion';
  const items = versions.map((v) => [
    `Name:${goString(v.name)}`,
    `Served:${v.served === true}`,
    `Storage:${v.storage === true}`,
    `Deprecated:${v.deprecated === true}`,
    `DeprecationWarning:${ptr('string', v.deprecationWarning !== undefined && v.deprecationWarning !== null)}`,
    `Schema:${ptr('apiextensions.CustomResourceValidation', !hoisted.schema && !!v.schema)}`,
    `Subresources:${ptr('apiextensions.CustomResourceSubresources', !hoisted.subresources && !!v.subresources)}`,
    `AdditionalPrinterColumns:${goColumns(hoisted.columns ? null : v.additionalPrinterColumns)}`,
    `SelectableFields:${goSelectableFields(hoisted.selectableFields ? null : v.selectableFields)}`,
  ].join(', '));
  return `[]${t}{${items.map((i) => `${t}{${i}}`).join(', ')}}`;
}
