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
	"io/fs"
	"os"
	"strings"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// KeySize is the length of a note-encryption key: AES-256.
const KeySize = 32

// blobVersion prefixes every encrypted note: v1:<keyid>:<base64(nonce|ciphertext)>.
const blobVersion = "v1"

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

// LoadOrCreateKeyFile reads the base64 key in the file at path, or, if there
// is no such file, creates it (mode 0600) with a new random key and reports
// created, so the caller can warn that it must be backed up. The caller
// picks the path, normally beside the database.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	data, err := os.ReadFile(path)
	if err == nil {
		key, err := DecodeKey(string(data))
		if err != nil {
			return nil, false, fmt.Errorf("key file %s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read key file: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKeyFile(path) // another process created it first
	}
	if err != nil {
		return nil, false, fmt.Errorf("create key file: %w", err)
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
		return nil, false, fmt.Errorf("write key file: %w", err)
	}
	return key, true, nil
}

// errNoKeys is returned when a note must be encrypted or decrypted and the
// DB was opened without a Keyring.
var errNoKeys = hearth.Errorf(hearth.EINTERNAL, "storage: no encryption key configured for notes")

// encrypt seals a note under the current key; the empty note stays empty.
func (k *Keyring) encrypt(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if k == nil {
		return "", errNoKeys
	}
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("encrypt note: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(plain), nil)
	return blobVersion + ":" + k.current + ":" + base64.StdEncoding.EncodeToString(sealed), nil
}

// decrypt opens a stored note. A failure is an internal error that names
// the key id at most, never the content.
func (k *Keyring) decrypt(blob string) (string, error) {
	if blob == "" {
		return "", nil
	}
	if k == nil {
		return "", errNoKeys
	}
	version, rest, ok1 := strings.Cut(blob, ":")
	id, data, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || version != blobVersion {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: unknown format")
	}
	aead, ok := k.aeads[id]
	if !ok {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: key %s is not in the keyring", id)
	}
	sealed, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(sealed) < aead.NonceSize() {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: malformed ciphertext")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return "", hearth.Errorf(hearth.EINTERNAL, "decrypt note: authentication failed under key %s", id)
	}
	return string(plain), nil
}

// isCurrent reports whether a stored note needs no re-encryption.
func (k *Keyring) isCurrent(blob string) bool {
	return blob == "" || strings.HasPrefix(blob, blobVersion+":"+k.current+":")
}

// Rekey re-encrypts under the current key every note stored under another
// key, and returns how many notes it rewrote. It works in small batches, so
// it can run while the bot does.
func (db *DB) Rekey(ctx context.Context) (int, error) {
	if db.keys == nil {
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
	prefix := blobVersion + ":" + db.keys.current + ":%"
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
				plain, err := db.keys.decrypt(r.Note)
				if err != nil {
					return fmt.Errorf("row %d: %w", r.ID, err)
				}
				blob, err := db.keys.encrypt(plain)
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
