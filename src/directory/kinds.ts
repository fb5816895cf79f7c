// The closed vocabularies of the directory that the CLI offers as choices and the core checks:
// kinds of units, kinds of distribution lists and their sender policies, kinds of CSV rows.
// Kept free of imports so the command line can list them without loading the directory.
// Owns: UNIT_KINDS, LIST_KINDS, SENDER_POLICIES, CSV_KINDS and their labels.

/** Kinds of units: the province (UBND tỉnh), an agency (sở, ban, ngành), a district (huyện, thành phố), a commune (xã, phường, thị trấn), a department (phòng). */
export const UNIT_KINDS = ['province', 'agency', 'district', 'commune', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABEL: Record<UnitKind, string> = {
  province: 'tỉnh / province',
  agency: 'sở, ban, ngành / agency',
  district: 'huyện, thành phố / district',
  commune: 'xã, phường, thị trấn / commune',
  department: 'phòng / department',
};

export function isUnitKind(s: string): s is UnitKind {
  return (UNIT_KINDS as readonly string[]).includes(s);
}

export const LIST_KINDS = ['static', 'unit-members', 'unit-heads'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export const SENDER_POLICIES = ['anyone', 'members', 'local', 'listed'] as const;
export type SenderPolicy = (typeof SENDER_POLICIES)[number];
export const CSV_KINDS = ['people', 'units'] as const;
export const SEARCH_KINDS = ['person', 'unit', 'list'] as const;
