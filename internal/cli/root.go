// Package cli implements the govchain command line, one file per
// subcommand. Commands that talk to a node use the Go SDK (client).
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
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

// shownError is a failure whose outcome the command already printed on
// stdout (with -o json), so run adds only the message on stderr.
type shownError struct{ error }

func (e shownError) Unwrap() error { return e.error }

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
	// nodeFrom says where node came from (flag, home config, default),
	// once client has resolved it.
	nodeFrom string
}

func (g *globals) homeDir() node.Home { return node.Home(g.home) }

// defaultNode is the API address when neither --node nor a home says one.
const defaultNode = "http://127.0.0.1:8080"

// client talks to the node's API: --node, else the API address written in
// the home's config/app.toml, else defaultNode.
func (g *globals) client() *client.Client {
	g.resolveNode()
	return client.New(g.node)
}

func (g *globals) resolveNode() {
	if g.nodeFrom != "" {
		return
	}
	if g.node != "" {
		g.nodeFrom = "--node"
		return
	}
	home := g.homeDir()
	g.node, g.nodeFrom = defaultNode, "the default (no "+home.AppConfigFile()+"; give --node or --home)"
	if _, err := os.Stat(home.AppConfigFile()); err != nil {
		return
	}
	cfg, err := node.LoadAppConfig(home)
	if err != nil {
		g.nodeFrom = fmt.Sprintf("the default (%s unreadable: %v)", home.AppConfigFile(), err)
		return
	}
	if node.CheckHTTPAddr(cfg.HTTP) != nil {
		g.nodeFrom = fmt.Sprintf("the default (%s has no usable http address: %q)", home.AppConfigFile(), cfg.HTTP)
		return
	}
	g.node, g.nodeFrom = "http://"+node.DialAddr(cfg.HTTP), "http in "+home.AppConfigFile()
	if strings.HasSuffix(cfg.HTTP, ":0") {
		g.nodeFrom += " (port 0: the node picks a free port when it starts; give --node)"
	}
}

// unreachable explains a failed connection: which node, and why that one.
func (g *globals) unreachable(err error) error {
	var ue *url.Error
	if g.nodeFrom == "" || !errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("cannot reach the node at %s (address from %s): %w", g.node, g.nodeFrom, ue.Err)
}

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
	pf.StringVar(&g.node, "node", "", "API address of the node to talk to (default: the http address in <home>/config/app.toml, else "+defaultNode+")")
	pf.StringVarP(&g.output, "output", "o", "text", "output format: text or json")
	root.AddCommand(initCmd(g), startCmd(g), testnetCmd(g), verifyCmd(g), auditCmd(g), keysCmd(g), txCmd(g), queryCmd(g), eventsCmd(g), benchCmd(g), versionCmd(g), openapiCmd(g), fiscalCmd(g), procurementCmd(g), indexCmd(g), electionCmd(g))
	root.AddCommand(datashareCmd(g))
	root.AddCommand(credentialCmd(g))
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
	err = g.unreachable(err)
	code := exitCode(err)
	if g.output != "json" && asksJSON(args) {
		g.output = "json" // cobra failed before it parsed the flags
	}
	// Once on stderr; with -o json also on stdout, unless the command
	// already printed its outcome there.
	fmt.Fprintln(stderr, "error:", message(err))
	var shown shownError
	if g.json() && !errors.As(err, &shown) {
		g.print(failureOf(err, code), nil)
	}
	return code
}

func exitCode(err error) int {
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

// message is an error for people: a node's refusal of a transaction names
// its result code.
func message(err error) string {
	var p *apitype.Problem
	if errors.As(err, &p) && p.Code != 0 {
		return fmt.Sprintf("the node refused the transaction with code %d%s: %s", p.Code, codespaceText(p.Codespace), p.Detail)
	}
	return err.Error()
}

// failure is what -o json prints on stdout when a command fails: the node's
// problem document (RFC 9457) when it answered with one, otherwise the
// command's own error in the same shape; exit_code is the process's.
type failure struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status,omitempty"`
	Detail    string `json:"detail"`
	Code      uint32 `json:"code,omitempty"`
	Codespace string `json:"codespace,omitempty"`
	ExitCode  int    `json:"exit_code"`
}

func failureOf(err error, code int) failure {
	var p *apitype.Problem
	if errors.As(err, &p) {
		return failure{Type: p.Type, Title: p.Title, Status: p.Status, Detail: p.Detail, Code: p.Code, Codespace: p.Codespace, ExitCode: code}
	}
	titles := map[int]string{ExitUsage: "usage error", ExitTxFailed: "transaction failed", ExitNotFound: "not found"}
	title, ok := titles[code]
	if !ok {
		title = "error"
	}
	return failure{Type: "about:blank", Title: title, Detail: message(err), ExitCode: code}
}

// asksJSON reports whether args ask for -o json, for the errors cobra
// raises before it parses flags (an unknown command or flag).
func asksJSON(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--output=json" || a == "-o=json" || a == "-ojson":
			return true
		case (a == "--output" || a == "-o") && i+1 < len(args) && args[i+1] == "json":
			return true
		}
	}
	return false
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
