package storage

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// KeySize is the length of a note-encryption key: AES-256.
const KeySize = 32

// blobVersion prefixes every encrypted note:
// v2:<keyid>:<base64(nonce|ciphertext)>, sealed with its row as additional
// data (see boundTo).
const blobVersion = "v2"

// Keyring encrypts notes under its current key and decrypts notes written
// under the current key or any old one, so a key can be rotated: open with
// the new key as current and the previous ones as old, then call Rekey.
// A key is named by its id, the first 8 hex digits of its SHA-256.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a keyring that encrypts with current and also decrypts
// with old. Every key must be KeySize bytes.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range append([][]byte{current}, old...) {
		if len(key) != KeySize {
			return nil, fmt.Errorf("encryption key %d: want %d bytes, got %d", i, KeySize, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("encryption key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("encryption key %d: %w", i, err)
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		if _, dup := k.aeads[id]; !dup {
			k.aeads[id] = aead
		}
	}
	return k, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// CurrentID returns the id of the key new notes are encrypted with.
func (k *Keyring) CurrentID() string { return k.current }

// DecodeKey decodes a base64 key (standard or URL alphabet, padded or not),
// as written in configuration or a key file.
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("encryption key: want %d bytes, got %d", KeySize, len(key))
			}
			return key, nil
		}
	}
	return nil, errors.New("encryption key: not valid base64")
}

// LoadKeyFile reads the base64 key in the file at path. A file that others
// may read (any of the mode bits 077) is refused, as a missing one is
// (an error wrapping fs.ErrNotExist): the key file is the notes' only lock.
func LoadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, &KeyError{Path: path, Mode: perm}
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	key, err := DecodeKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return key, nil
}

// CreateKeyFile writes a new random key to a new file at path (mode 0600)
// and returns it. It refuses to replace an existing file (fs.ErrExist): the
// caller generates a key only for a database that holds no note yet.
func CreateKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return key, nil
}

// KeyError says why the note keys cannot be used: the database holds notes
// under key ids no configured key has (Missing), or the key file at Path is
// readable by others (Mode). Restarting cannot fix it; a person must.
type KeyError struct {
	Missing []string    // key ids of stored notes with no configured key
	Path    string      // the key file, when it is the cause
	Mode    fs.FileMode // the key file's permissions, when too open
}

func (e *KeyError) Error() string {
	if len(e.Missing) == 0 {
		return fmt.Sprintf("key file %s is readable by others (mode %04o): run `chmod 600 %s` (and check who could have read it)", e.Path, e.Mode, e.Path)
	}
	ids := strings.Join(e.Missing, ", ")
	where := "security.encryption_key"
	if e.Path != "" {
		where = "the key file " + e.Path + " (missing)"
	}
	return fmt.Sprintf("the database holds notes encrypted with key id %s, which %s does not have. "+
		"Restore that key: put the lost key file back, or set security.encryption_key to it; "+
		"if the key was rotated, list the old key in security.old_encryption_keys (then `hearth rekey`). "+
		"hearth will not start with another key, which would leave those notes unreadable", ids, where)
}

// CheckKeys returns a *KeyError naming the key ids the database's notes are
// stored under that keys lacks (nil keys lack every id), or nil. Columns a
// database of an older schema lacks are skipped.
func (db *DB) CheckKeys(ctx context.Context, keys *Keyring, keyFile string) error {
	ids, err := db.NoteKeyIDs(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, id := range ids {
		if keys == nil || keys.aeads[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	e := &KeyError{Missing: missing}
	if keys == nil {
		e.Path = keyFile
	}
	return e
}

// NoteKeyIDs returns the ids of the keys the stored notes are encrypted
// with, sorted; none for a database without notes.
func (db *DB) NoteKeyIDs(ctx context.Context) ([]string, error) {
	g := db.gorm.WithContext(ctx)
	seen := map[string]bool{}
	for _, c := range encryptedColumns {
		if !g.Migrator().HasTable(c.table) || !g.Migrator().HasColumn(c.table, c.column) {
			continue
		}
		var ids []string
		// "v2:<8 hex>:…": the key id is the 8 characters after the version.
		err := g.Raw("SELECT DISTINCT substr(" + c.column + ", 4, 8) FROM " + c.table + " WHERE " + c.column + " <> ''").Scan(&ids).Error
		if err != nil {
			return nil, fmt.Errorf("read note key ids: %w", err)
		}
		for _, id := range ids {
			seen[id] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// SetKeys replaces the keyring the DB encrypts and decrypts notes with:
// for a new database whose key is generated once CheckKeys has shown it
// holds no note (and for tests of a key gone missing at runtime).
func (db *DB) SetKeys(k *Keyring) { db.keys.Store(k) }

// keyring is the current keyring, nil if none.
func (db *DB) keyring() *Keyring { return db.keys.Load() }

// errNoKeys is returned when a note must be encrypted or decrypted and the
// DB was opened without a Keyring.
var errNoKeys = hearth.Errorf(hearth.EINTERNAL, "storage: no encryption key configured for notes")

// blobLegacy is the format before schema version 10: no additional data,
// so a note copied into another row still decrypted. Migration 10 and
// Rekey rewrite such notes; nothing else reads them.
const blobLegacy = "v1"

// boundTo is the AES-GCM additional data of a note: the table, column and
// row it belongs to, so a ciphertext copied into another row, column or
// table fails authentication instead of showing there.
func boundTo(table, column string, id int64) []byte {
	return []byte("hearth\x00" + table + "\x00" + column + "\x00" + strconv.FormatInt(id, 10))
}

// encrypt seals a note under the current key, bound to its row (see
// boundTo); the empty note stays empty.
func (k *Keyring) encrypt(plain, table, column string, id int64) (string, error) {
	if plain == "" {
		return "", nil
	}
	if k == nil {
		return "", errNoKeys
	}
	if id <= 0 {
		return "", fmt.Errorf("encrypt note: %s.%s needs the row id", table, column)
	}
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("encrypt note: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(plain), boundTo(table, column, id))
	return blobVersion + ":" + k.current + ":" + base64.StdEncoding.EncodeToString(sealed), nil
}

// decrypt opens a stored note of the given row. A failure is an internal
// error that names the key id at most, never the content.
func (k *Keyring) decrypt(blob, table, column string, id int64) (string, error) {
	return k.open(blob, table, column, id, false)
}

// open decrypts blob; legacy also accepts the unbound format of schema
// versions before 10, for the migration and Rekey that rewrite it.
func (k *Keyring) open(blob, table, column string, id int64, legacy bool) (string, error) {
	if blob == "" {
		return "", nil
	}
	if k == nil {
		return "", errNoKeys
	}
	version, rest, ok1 := strings.Cut(blob, ":")
	keyID, data, ok2 := strings.Cut(rest, ":")
	var ad []byte
	switch {
	case !ok1 || !ok2:
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: unknown format")
	case version == blobVersion:
		ad = boundTo(table, column, id)
	case version == blobLegacy && legacy:
	default:
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: unknown format %.2q", version)
	}
	aead, ok := k.aeads[keyID]
	if !ok {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: key %s is not in the keyring", keyID)
	}
	sealed, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(sealed) < aead.NonceSize() {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: malformed ciphertext")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
	if err != nil {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: authentication failed under key %s", keyID)
	}
	return string(plain), nil
}

// Rekey re-encrypts under the current key every note stored under another
// key, and returns how many notes it rewrote. It works in small batches, so
// it can run while the bot does.
func (db *DB) Rekey(ctx context.Context) (int, error) {
	if db.keyring() == nil {
		return 0, errNoKeys
	}
	total := 0
	for _, c := range encryptedColumns {
		n, err := db.rekeyColumn(ctx, c.table, c.column)
		total += n
		if err != nil {
			return total, fmt.Errorf("rekey %s.%s: %w", c.table, c.column, err)
		}
	}
	return total, nil
}

// encryptedColumns are every column that holds a note.
var encryptedColumns = []struct{ table, column string }{
	{"check_ins", "note"},
	{"alerts", "note"},
	{"alerts", "resolution_note"},
	{"session_notes", "note"},
}

func (db *DB) rekeyColumn(ctx context.Context, table, column string) (int, error) {
	type noteRow struct {
		ID   int64
		Note string
	}
	keys := db.keyring()
	prefix := blobVersion + ":" + keys.current + ":%"
	total := 0
	var after int64
	for {
		var rows []noteRow
		err := db.gorm.WithContext(ctx).Table(table).Select("id, "+column+" AS note").
			Where("id > ? AND "+column+" <> '' AND "+column+" NOT LIKE ?", after, prefix).
			Order("id").Limit(200).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return total, err
		}
		batch := 0
		err = db.tx(ctx, func(tx *gorm.DB) error {
			for _, r := range rows {
				plain, err := keys.open(r.Note, table, column, r.ID, true)
				if err != nil {
					return fmt.Errorf("row %d: %w", r.ID, err)
				}
				blob, err := keys.encrypt(plain, table, column, r.ID)
				if err != nil {
					return err
				}
				// Only if unchanged since read: a concurrent edit wins.
				res := tx.Table(table).Where("id = ? AND "+column+" = ?", r.ID, r.Note).Update(column, blob)
				if res.Error != nil {
					return res.Error
				}
				batch += int(res.RowsAffected)
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += batch
		after = rows[len(rows)-1].ID
	}
}

// KeyID returns the id of the key new notes are encrypted with, "" without keys.
func (db *DB) KeyID() string {
	if db.keyring() == nil {
		return ""
	}
	return db.keyring().CurrentID()
}
