//go:build !unix

package main

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("locked")

// flock is a no-op where flock(2) does not exist: run one process per file.
func flock(*os.File) error { return nil }
