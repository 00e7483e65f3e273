// Package storage keeps hearth's data in a SQL database through gorm, on
// SQLite (one process, the default) or PostgreSQL (several processes).
//
// It owns the schema and its versioned migrations, the conversion between
// the domain types of package hearth and the rows that store them, the
// encryption at rest of members' notes (check-in and alert notes, AES-256-GCM
// under a Keyring), and the durable job queue the delivery engine claims work
// from. *DB implements the store interfaces of package hearth.
//
// Every timestamp is stored and returned in UTC, truncated to microseconds
// (PostgreSQL's precision), so both databases give back the same instants.
// Nothing here logs SQL parameters or row contents: errors carry ids, never
// notes.
package storage
