// Package cli implements the govchain command line, one file per
// subcommand. Commands that talk to a node use the Go SDK (client).
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/node"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1 // anything unexpected, unreachable node, bad files
	ExitUsage    = 2 // wrong flags or arguments
	ExitTxFailed = 3 // the chain refused or failed the transaction
	ExitNotFound = 4 // the record asked for does not exist
)

type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, args...)}
}

// globals are the flags every command shares.
type globals struct {
	home   string
	node   string
	output string
	stdout io.Writer
	stderr io.Writer
}

func (g *globals) homeDir() node.Home { return node.Home(g.home) }

func (g *globals) client() *client.Client { return client.New(g.node) }

func (g *globals) json() bool { return g.output == "json" }

// terminal reports whether stderr is a terminal (progress bars only then).
func (g *globals) terminal() bool {
	f, ok := g.stderr.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// print writes v as JSON with --output json, or text() otherwise.
func (g *globals) print(v any, text func(w io.Writer)) error {
	if g.json() {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(g.stdout)
	return nil
}

func defaultHome() string {
	if h := os.Getenv("GOVCHAIN_HOME"); h != "" {
		return h
	}
	d, err := os.UserHomeDir()
	if err != nil {
		return ".govchain"
	}
	return filepath.Join(d, ".govchain")
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "govchain",
		Short:         "govchain: a permissioned ledger for government departments",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.output != "text" && g.output != "json" {
				return usageErr("--output must be text or json")
			}
			return nil
		},
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.home, "home", defaultHome(), "node home directory ($GOVCHAIN_HOME)")
	pf.StringVar(&g.node, "node", "http://127.0.0.1:8080", "API address of the node to talk to")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json")
	root.AddCommand(initCmd(g), startCmd(g), testnetCmd(g), verifyCmd(g), auditCmd(g), keysCmd(g), txCmd(g), queryCmd(g), eventsCmd(g), benchCmd(g), versionCmd(g), openapiCmd(g))
	return root
}

// Run runs the command line and returns the process exit code.
func Run(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, "error:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var p *apitype.Problem
	if errors.As(err, &p) {
		switch {
		case p.Status == 404:
			return ExitNotFound
		case p.Code != 0:
			return ExitTxFailed
		}
		return ExitError
	}
	if isUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isUsage recognizes cobra's argument and flag errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "required flag", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
