package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/storage"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

const usage = `hearth — logistics for peer-support groups on Discord

Usage:
  hearth <command> [-config PATH] [flags]

Commands:
  run           connect to Discord and run the bot (migrates the database first)
  demo          play a group's week against a built-in Discord simulator
  migrate       bring the database schema up to date
  rekey         re-encrypt notes stored under an old key with the current key
  invite        print the OAuth2 URL that adds the bot to a server
  check-config  print the effective configuration, secrets masked
  healthcheck   exit 0 if the running hearth's /healthz answers 200 (for Docker)
  version       print the version

The configuration is read from -config PATH (default config.toml if it
exists), then HEARTH_SECTION_KEY environment variables; see config.example.toml.
`

// Main wires hearth's packages for one command-line invocation.
type Main struct {
	Stdout, Stderr io.Writer
	// Getenv looks up environment variables; os.LookupEnv by default.
	Getenv func(string) (string, bool)
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Getenv: os.LookupEnv}
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// exitConfig is the exit status when Discord refused the bot for good (a bad
// token, wrong shard settings, intents or api_base_url): sysexits' EX_CONFIG, so a supervisor can be
// told not to restart (systemd's RestartPreventExitStatus=78) — restarting
// cannot help until someone changes the configuration.
const exitConfig = 78

// Run runs one command and returns the process exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(m.Stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmds := map[string]func(context.Context, []string) error{
		"run":          m.runBot,
		"demo":         m.runDemo,
		"migrate":      m.runMigrate,
		"rekey":        m.runRekey,
		"invite":       m.runInvite,
		"check-config": m.runCheckConfig,
		"healthcheck":  m.runHealthcheck,
		"version":      m.runVersion,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(m.Stderr, "hearth: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err := cmd(ctx, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(m.Stderr, "hearth %s: %v\n", args[0], err)
		var ge *bot.GatewayError
		var ke *storage.KeyError
		var le *errLocked
		var re *bot.RefusedError
		if errors.As(err, &ge) || errors.As(err, &ke) || errors.As(err, &le) || errors.As(err, &re) {
			return exitConfig
		}
		return 1
	}
	return 0
}

// flags returns a flag set with the -config flag every command takes.
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("hearth "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	path := fs.String("config", "", "configuration file (default config.toml if it exists)")
	return fs, path
}

// parse parses args and loads the configuration.
func (m *Main) parse(fs *flag.FlagSet, path *string, args []string) (hearth.Config, error) {
	if err := fs.Parse(args); err != nil {
		return hearth.Config{}, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "unexpected argument %q\n", fs.Arg(0))
		return hearth.Config{}, errUsage
	}
	return LoadConfig(*path, m.Getenv)
}

func (m *Main) runVersion(_ context.Context, args []string) error {
	if len(args) > 0 {
		return errUsage
	}
	fmt.Fprintf(m.Stdout, "hearth %s\n", Version)
	return nil
}
