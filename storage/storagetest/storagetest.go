// Package storagetest gives tests a fresh database on each engine hearth
// supports: SQLite in a temporary file always, and PostgreSQL too when
// HEARTH_TEST_POSTGRES_DSN is set (a schema of its own per test, dropped
// after it). Like net/http/httptest, it is for tests only.
package storagetest

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/storage"
)

// PostgresEnv names the PostgreSQL DSN that, when set, makes database tests
// also run against PostgreSQL.
const PostgresEnv = "HEARTH_TEST_POSTGRES_DSN"

// ForEachDSN runs fn as a subtest per database engine with a fresh empty
// database: "sqlite" (a WAL file in a temp dir) and, if PostgresEnv is set,
// "postgres" (a new schema, dropped after the test).
func ForEachDSN(t *testing.T, fn func(t *testing.T, driver, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, storage.DriverSQLite, filepath.Join(t.TempDir(), "hearth.db"))
	})
	if os.Getenv(PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) {
			fn(t, storage.DriverPostgres, PostgresSchema(t))
		})
	}
}

// PostgresSchema creates a schema for one test in the database PostgresEnv
// names and returns a DSN whose search_path is that schema.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	admin, err := sql.Open("pgx", base) // registered by the postgres driver storage links
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t_%016x", rand.Uint64())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Error(err)
		}
		admin.Close()
	})
	if !strings.Contains(base, "://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
