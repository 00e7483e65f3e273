package discordtest_test

// Every fake Discord these tests build validates requests against Discord's
// OpenAPI document (see HEARTH_DISCORD_OPENAPI in TESTING.md).
import _ "github.com/hearthbot/hearth/discordtest/openapi"
