package discordtest_test

import (
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

// A *testing.T is what tests hand NewServer.
var _ discordtest.TB = testing.TB(nil)
