// Owns: the shapes of an Email/query's arguments as the query code passes them around — its
// filter (a FilterCondition or FilterOperator, RFC 8621 §4.4.1, checked by email.ts) and its sort
// (Comparators, RFC 8620 §5.5) — so the general path (email.ts) and the newest-first page
// (query-page.ts) share them without importing each other.
export type Filter = Record<string, unknown>;
export type QuerySort = Array<{ property?: string; isAscending?: boolean; keyword?: string }>;
