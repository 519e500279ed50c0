// Command kommunalforum runs the forum and its maintenance tasks:
//
//	kommunalforum [serve] [--listen ADDR] [--demo]
//	kommunalforum migrate
//	kommunalforum user add --email E --name N --role R [--fields SLUGS] [--org NAME --org-type TYPE] --password-stdin
//	kommunalforum token create --email E [--name NAME]
//	kommunalforum seed --demo | --synthetic [--users U --threads T --posts-per-thread P --seed S]
//	kommunalforum reindex
//	kommunalforum digest --frequency daily|weekly [--now]
//	kommunalforum backup --out FILE
//
// Every subcommand takes --data DIR and --config FILE.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Berlin for dates and deadlines, also where the OS has no tz database

	"kommunalforum/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usage is printed for -h and unknown subcommands.
const usage = `Usage: kommunalforum <command> [flags]

Commands:
  serve           run the forum (default)
  migrate         apply database migrations and exit
  user add        create an active account
  token create    create a personal API token (printed as the last line)
  seed --demo     add demo content
  seed --synthetic  generate a large synthetic data set (benchmarks)
  reindex         rebuild the search index from the database
  digest          run a digest round (--frequency daily|weekly [--now])
  backup --out F  write a consistent backup of the database while it runs

Flags of every command:
  --data DIR      data directory (default ./data)
  --config FILE   YAML configuration file (see config.example.yaml)
`

// run dispatches a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
		if (cmd == "user" || cmd == "token") && len(args) > 0 && args[0] != "" && args[0][0] != '-' {
			cmd, args = cmd+" "+args[0], args[1:]
		}
	}
	var err error
	switch cmd {
	case "serve":
		err = cmdServe(ctx, args, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args, stdout, stderr)
	case "user add":
		err = cmdUserAdd(ctx, args, stdin, stdout, stderr)
	case "token create":
		err = cmdTokenCreate(ctx, args, stdout, stderr)
	case "seed":
		err = cmdSeed(ctx, args, stdout, stderr)
	case "reindex":
		err = cmdReindex(ctx, args, stdout, stderr)
	case "digest":
		err = cmdDigest(ctx, args, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "kommunalforum: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "kommunalforum %s: %v\n", cmd, err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError marks errors in how a command was called (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// common are the flags every subcommand has.
type common struct {
	data   string
	config string
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.data, "data", "", "data directory (overrides data.dir)")
	fs.StringVar(&c.config, "config", "", "YAML configuration file")
	return fs, c
}

// load reads the configuration: defaults < file < KF_* environment < flags.
func (c *common) load(apply func(*config.Config)) (config.Config, error) {
	cfg, err := config.Load(c.config, os.Environ())
	if err != nil {
		return cfg, err
	}
	if c.data != "" {
		cfg.Data.Dir = c.data
	}
	if apply != nil {
		apply(&cfg)
	}
	return cfg, cfg.Validate()
}

// open loads the configuration and opens the forum's parts, for the
// maintenance commands.
func (c *common) open(ctx context.Context) (*app, error) {
	cfg, err := c.load(nil)
	if err != nil {
		return nil, err
	}
	return openApp(ctx, cfg)
}

// newLogger builds the structured log of the settings in lc (log.level,
// log.format; validated by config). Without lc it uses the defaults, for
// commands that log before or without a loaded configuration.
func newLogger(w io.Writer, lc ...config.Log) *slog.Logger {
	c := config.Default().Log
	if len(lc) > 0 {
		c = lc[0]
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
