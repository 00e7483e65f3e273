package discordtest

import "time"

// nonceWindow is how long Discord remembers an enforced nonce.
const nonceWindow = 5 * time.Minute

// nonceCache remembers messages created with enforce_nonce so a retried
// request returns the first message instead of posting a duplicate. Keys are
// author id and nonce: Discord scopes nonces to their author.
type nonceCache struct {
	seen map[string]nonceEntry
}

type nonceEntry struct {
	messageID string
	at        time.Time
}

func (c *nonceCache) lookup(author, nonce string, now time.Time) (string, bool) {
	e, found := c.seen[author+"\x00"+nonce]
	if !found || now.Sub(e.at) >= nonceWindow {
		return "", false
	}
	return e.messageID, true
}

func (c *nonceCache) remember(author, nonce, messageID string, now time.Time) {
	if c.seen == nil {
		c.seen = map[string]nonceEntry{}
	}
	c.seen[author+"\x00"+nonce] = nonceEntry{messageID: messageID, at: now}
}
