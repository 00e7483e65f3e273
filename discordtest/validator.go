package discordtest

import (
	"net/http"
	"sync"
)

// Validator checks a REST request against a description of Discord's API.
// Validate returns why Discord would refuse the request, or "" when it is
// acceptable or not described; path has no /api/vN prefix and body is the
// JSON body (a multipart body's payload_json).
type Validator interface {
	Validate(r *http.Request, path string, body []byte) string
}

// The validator lives in package discordtest/openapi, which registers itself
// when imported, so the simulator links into the hearth binary without it.
var validators struct {
	sync.Mutex
	load func() (Validator, error)
}

// RegisterValidator sets how servers built with validation (the default)
// find their validator: load returns nil, nil when none is available.
// Package discordtest/openapi calls it from its init.
func RegisterValidator(load func() (Validator, error)) {
	validators.Lock()
	defer validators.Unlock()
	validators.load = load
}

func loadValidator() (Validator, error) {
	validators.Lock()
	load := validators.load
	validators.Unlock()
	if load == nil {
		return nil, nil
	}
	return load()
}

// SchemaAvailable reports whether a validator is registered and found
// Discord's OpenAPI document, so a test that is about validation itself can
// skip, saying so, where it is not.
func SchemaAvailable() bool {
	v, err := loadValidator()
	return v != nil && err == nil
}
