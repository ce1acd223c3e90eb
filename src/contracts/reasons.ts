/** Why a record was quarantined: the reason_code of audit.bad_records. */
export const reasonCodes = {
  malformed_record:
    'The record could not be parsed (broken JSON line, CSV line with a bad quote or wrong column count, invalid encoding).',
  missing_required: 'A required field is missing or null.',
  invalid_type:
    'A value does not have the declared type (not a number, not a date in an accepted format, ...).',
  out_of_range: 'A value is below min or above max.',
  decimal_out_of_scale:
    'A decimal has more decimal places than its scale (trailing zeros aside) and the field does not say round: true.',
  decimal_out_of_range:
    'A decimal has more integer digits than its precision less its scale allow (after rounding, where the field rounds).',
  pattern_mismatch: 'A string does not match the declared pattern.',
  unknown_enum: 'A value is not one of the allowed values.',
} as const;

export type ReasonCode = keyof typeof reasonCodes;
