package hearth

// Printer renders user-facing text in one reader's language. The domain
// names its messages by catalog key and never holds translations itself (it
// imports only the standard library); locale.Lang implements Printer, and
// the adapters choose the language at the edge: the interaction's locale for
// a reply, the recipient's stored language for a DM, the group's language
// for a channel post.
type Printer interface {
	// Text returns the message with the given key; args are name, value
	// pairs filling its placeholders, and an int named "Count" also picks
	// the plural form.
	Text(key string, args ...any) string
}
