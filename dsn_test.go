package hearth_test

import (
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
)

func TestRedactDSN(t *testing.T) {
	tests := []struct{ name, dsn, want string }{
		{"Path", "/var/lib/hearth/hearth.db", "/var/lib/hearth/hearth.db"},
		{"URLNoPassword", "postgres://hearth@db:5432/hearth?sslmode=disable", "postgres://hearth@db:5432/hearth?sslmode=disable"},
		{"URLUserinfo", "postgres://hearth:S3CRET@db:5432/hearth", "postgres://hearth:********@db:5432/hearth"},
		{"URLUserinfoOddChars", "postgresql://hearth:S3CRET?x#y@db/hearth", "postgresql://hearth:********@db/hearth"},
		{"URLQuery", "postgres://hearth@db/hearth?sslmode=require&password=S3CRET", "postgres://hearth@db/hearth?sslmode=require&password=********"},
		{"URLQueryFirst", "postgres://db/hearth?password=S3CRET&user=hearth", "postgres://db/hearth?password=********&user=hearth"},
		{"URLBoth", "postgres://u:S3CRET@db/h?PASSWORD=S3CRET", "postgres://u:********@db/h?PASSWORD=********"},
		{"KeyValue", "host=db user=hearth password=S3CRET dbname=hearth", "host=db user=hearth password=******** dbname=hearth"},
		{"KeyValueFirst", "password=S3CRET host=db", "password=******** host=db"},
		{"KeyValueSpaces", "host=db password = S3CRET dbname=hearth", "host=db password = ******** dbname=hearth"},
		{"KeyValueQuoted", "host=db password='S3CRET with spaces' dbname=hearth", "host=db password=******** dbname=hearth"},
		{"KeyValueQuotedEscape", `host=db password='S3CRET \' quote' dbname=hearth`, "host=db password=******** dbname=hearth"},
		{"KeyValueDoubleQuoted", `host=db password="S3CRET x" dbname=hearth`, "host=db password=******** dbname=hearth"},
		{"KeyValueUpper", "host=db PASSWORD=S3CRET", "host=db PASSWORD=********"},
		{"SSLPassword", "host=db sslpassword=S3CRET", "host=db sslpassword=********"},
		{"SQLiteAuth", "file:hearth.db?_auth&_auth_user=a&_auth_pass=S3CRET", "file:hearth.db?_auth&_auth_user=a&_auth_pass=********"},
		{"NotAPassword", "host=db passwordless=yes", "host=db passwordless=yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hearth.RedactDSN(tt.dsn)
			if got != tt.want {
				t.Errorf("RedactDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
			}
			if strings.Contains(got, "S3CRET") {
				t.Errorf("the password shows: %q", got)
			}
		})
	}
}
