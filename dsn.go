package hearth

import "regexp"

// dsnSecrets match the password of a connection string in each form libpq
// and the drivers accept; group 1 is kept, the rest is the secret.
var dsnSecrets = []*regexp.Regexp{
	// URL userinfo: scheme://user:password@host (a password holds no '@'
	// or '/' unless percent-encoded).
	regexp.MustCompile(`(?i)^([a-z][a-z0-9+.-]*://[^:@/?#]*:)[^@/]*`),
	// A query parameter: ?password=… or &password=… (also sslpassword,
	// and mattn/go-sqlite3's _auth_pass).
	regexp.MustCompile(`(?i)([?&](?:ssl)?password=|[?&]_auth_pass=)[^&#]*`),
	// key=value: password=x, password = x, password='a b', password="a b".
	regexp.MustCompile(`(?i)((?:^|\s)(?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S*)`),
}

// RedactDSN masks every password in a database connection string (URL
// userinfo, a password query parameter, a key=value password quoted or
// not), for check-config and anything else that shows a DSN.
func RedactDSN(dsn string) string {
	for _, re := range dsnSecrets {
		dsn = re.ReplaceAllString(dsn, "${1}********")
	}
	return dsn
}
