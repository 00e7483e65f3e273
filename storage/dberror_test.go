package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/storage"
)

// TestOpen_ErrorHidesServer: a database that cannot be reached is reported
// as such, without the host, user, database name or password the driver's
// error quotes, so neither a log line nor /healthz carries them.
func TestOpen_ErrorHidesServer(t *testing.T) {
	// Port 1 on loopback: refused at once.
	for _, dsn := range []string{
		"postgres://hearthuser:s3cret@127.0.0.1:1/proddb?sslmode=disable&connect_timeout=5",
		"host=127.0.0.1 port=1 user=hearthuser password=s3cret dbname=proddb sslmode=disable connect_timeout=5",
	} {
		_, err := storage.Open(context.Background(), storage.DriverPostgres, dsn, storage.Options{})
		if err == nil {
			t.Fatal("opened a database on port 1")
		}
		for _, leak := range []string{"hearthuser", "s3cret", "proddb", "127.0.0.1"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("error names %q: %v", leak, err)
			}
		}
		var de *storage.DBError
		if !errors.As(err, &de) || de.ErrorClass() != "unreachable" {
			t.Errorf("error %v is not classified unreachable", err)
		}
	}
}
