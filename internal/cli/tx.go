package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// txFlags are shared by every tx subcommand.
type txFlags struct {
	from    string
	address string
	memo    string
	noWait  bool
	receipt string
}

func (f *txFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "from", "", "name of the signing key in <home>/keys (required)")
	cmd.Flags().StringVar(&f.address, "address", "", "signer account address, if it differs from the key's (after a key rotation)")
	cmd.Flags().StringVar(&f.memo, "memo", "", "memo recorded with the transaction")
	cmd.Flags().BoolVar(&f.noWait, "no-wait", false, "return once the mempool accepts the tx instead of waiting for the commit")
	cmd.Flags().StringVar(&f.receipt, "receipt", "", "save the tx's receipt to this file once it is signed (see govchain verify; not with --no-wait)")
	cmd.MarkFlagRequired("from")
}

// txOutcome is what a tx command prints: the node's result, and once
// committed, the tx's events and the records it created.
type txOutcome struct {
	apitype.SubmitResult
	Events  []ledger.Event  `json:"events,omitempty"`
	Created []createdRecord `json:"created,omitempty"`
	Receipt string          `json:"receipt,omitempty"`
}

// send signs msgs with --from, submits and prints the outcome once: on
// stdout when the tx committed successfully (or was accepted with
// --no-wait), otherwise as the error (and, with -o json, as the result on
// stdout).
func (g *globals) send(ctx context.Context, f *txFlags, msgs ...tx.Msg) error {
	if f.receipt != "" && f.noWait {
		return usageErr("--receipt needs the commit: drop --no-wait, or fetch it later with govchain query receipt HASH")
	}
	key, err := g.loadKey(f.from)
	if err != nil {
		return err
	}
	c := g.client()
	s, err := c.NewSigner(ctx, key, f.address)
	if err != nil {
		return err
	}
	raw, err := s.Sign(f.memo, msgs...)
	if err != nil {
		return usageErr("%v", err)
	}
	r, err := c.Submit(ctx, raw, !f.noWait)
	if err != nil {
		return err
	}
	out := txOutcome{SubmitResult: *r}
	if r.Committed && r.Code == 0 {
		if t, err := c.Tx(ctx, r.Hash); err != nil {
			fmt.Fprintf(g.stderr, "warning: committed, but its events could not be read: %v\n", err)
		} else {
			out.Events, out.Created = t.Events, createdRecords(t.Events)
		}
	}
	if f.receipt != "" && r.Committed {
		if err := saveReceipt(ctx, c, r.Hash, f.receipt); err != nil {
			return fmt.Errorf("tx %s committed at height %d, but its receipt was not saved: %w", r.Hash, r.Height, err)
		}
		out.Receipt = f.receipt
	}
	if r.Code != 0 {
		saved := ""
		if out.Receipt != "" {
			saved = " (receipt saved to " + out.Receipt + ")"
		}
		err := &exitError{ExitTxFailed, fmt.Errorf("tx %s committed at height %d but failed with code %d%s: %s%s", r.Hash, r.Height, r.Code, codespaceText(r.Codespace), r.Log, saved)}
		if !g.json() {
			return err
		}
		if perr := g.print(out, nil); perr != nil {
			return perr
		}
		return shownError{err}
	}
	return g.print(out, func(w io.Writer) { printOutcome(w, &out) })
}

func codespaceText(cs string) string {
	if cs == "" {
		return ""
	}
	return " (" + cs + ")"
}

// saveReceipt waits for the header that signs the tx's block (the next
// block) and writes the receipt.
func saveReceipt(ctx context.Context, c *client.Client, hash, path string) error {
	var raw json.RawMessage
	var err error
	for i := 0; i < 60; i++ {
		if err = c.Get(ctx, "/v1/txs/"+hash+"/receipt", &raw); err == nil {
			return os.WriteFile(path, append(raw, '\n'), 0o644)
		}
		var p *apitype.Problem
		if !errors.As(err, &p) || p.Status != 409 {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("receipt: %w", err)
}

// printOutcome shows a successful submission for people.
func printOutcome(w io.Writer, o *txOutcome) {
	if !o.Committed {
		fmt.Fprintf(w, "accepted into the mempool\ntx %s\n", o.Hash)
		return
	}
	fmt.Fprintf(w, "committed at height %d (log index %d)\ntx %s\n", o.Height, o.LogIndex, o.Hash)
	for _, c := range o.Created {
		fmt.Fprintf(w, "%s %s %s\n", strings.ReplaceAll(c.Record, "_", " "), c.ID, c.Verb)
	}
	if o.Receipt != "" {
		fmt.Fprintf(w, "receipt saved to %s\n", o.Receipt)
	}
}

// createdRecord is a record a tx created, as its event announced it.
type createdRecord struct {
	Record string `json:"record"` // "proposal"
	ID     string `json:"id"`     // "3"
	Verb   string `json:"verb"`   // "opened"
	Event  string `json:"event"`  // "identity.proposal_opened"
}

// createdVerbs end the names of the events that announce a new record.
var createdVerbs = []string{"opened", "created", "added", "proposed"}

// createdRecords finds the records a tx created, from its events alone, so
// every module is covered without the CLI knowing it: by convention an
// event named <module>.<record>_<verb>, the verb one of createdVerbs,
// carries the new record's identifier in its "id" attribute (an account's
// in "address"): identity.proposal_opened {id}, registry.transfer_opened
// {id}, identity.account_created {address}.
func createdRecords(evs []ledger.Event) []createdRecord {
	var out []createdRecord
	for _, e := range evs {
		_, name, ok := strings.Cut(e.Type, ".")
		i := strings.LastIndex(name, "_")
		if !ok || i <= 0 || !slices.Contains(createdVerbs, name[i+1:]) {
			continue
		}
		id := attr(e, "id")
		if id == "" {
			id = attr(e, "address")
		}
		if id == "" {
			continue
		}
		out = append(out, createdRecord{Record: name[:i], ID: id, Verb: name[i+1:], Event: e.Type})
	}
	return out
}

func attr(e ledger.Event, key string) string {
	for _, a := range e.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// pubKeyFlags take a public key as --key NAME (a local key) or --pubkey.
type pubKeyFlags struct {
	key, pubkey, algo string
}

func (p *pubKeyFlags) register(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&p.key, "key", "", what+": name of a local key whose public key to use")
	cmd.Flags().StringVar(&p.pubkey, "pubkey", "", what+": public key in base64")
	cmd.Flags().StringVar(&p.algo, "algo", crypto.AlgEd25519, "algorithm of --pubkey")
}

func (p *pubKeyFlags) get(g *globals) (string, []byte, error) {
	switch {
	case p.key != "" && p.pubkey != "":
		return "", nil, usageErr("give --key or --pubkey, not both")
	case p.key != "":
		k, err := g.loadKey(p.key)
		if err != nil {
			return "", nil, err
		}
		return k.Algorithm, k.PublicKey(), nil
	case p.pubkey != "":
		b, err := base64.StdEncoding.DecodeString(p.pubkey)
		if err != nil {
			return "", nil, usageErr("--pubkey is not base64: %v", err)
		}
		if err := crypto.CheckPublicKey(p.algo, b); err != nil {
			return "", nil, usageErr("%v", err)
		}
		return p.algo, b, nil
	}
	return "", nil, usageErr("give --key NAME or --pubkey BASE64")
}

func txCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "tx", Short: "Sign and submit transactions (one command per message type of each module)"}
	cmd.AddCommand(moduleTxCmds(g, map[string]func(*globals) *cobra.Command{
		identity.TypeCreateAccount: txCreateAccountCmd,
		identity.TypeRotateKey:     txRotateKeyCmd,
		identity.TypePropose:       txProposeCmd,
	})...)
	return cmd
}

// Identity's hand-written commands: they take local keys by name and build
// each kind of consortium action from flags.

func txCreateAccountCmd(g *globals) *cobra.Command {
	var f txFlags
	var pk pubKeyFlags
	var citizen bool
	var roles []string
	c := &cobra.Command{
		Use: "create-account", Short: "Register an account in the signer's department", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			alg, pub, err := pk.get(g)
			if err != nil {
				return err
			}
			return g.send(cmd.Context(), &f, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: alg, PublicKey: pub, Citizen: citizen, Roles: roles}))
		},
	}
	f.register(c)
	pk.register(c, "the new account's key")
	c.Flags().BoolVar(&citizen, "citizen", false, "a citizen account (no roles)")
	c.Flags().StringSliceVar(&roles, "role", nil, "role to grant (repeatable)")
	return c
}

func txRotateKeyCmd(g *globals) *cobra.Command {
	var f txFlags
	var pk pubKeyFlags
	var account string
	c := &cobra.Command{
		Use: "rotate-key", Short: "Replace an account's key (the signer's own, or with --account one of the admin's department)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			alg, pub, err := pk.get(g)
			if err != nil {
				return err
			}
			return g.send(cmd.Context(), &f, client.Msg(identity.TypeRotateKey, identity.MsgRotateKey{Account: account, Algorithm: alg, PublicKey: pub}))
		},
	}
	f.register(c)
	pk.register(c, "the new key")
	c.Flags().StringVar(&account, "account", "", "account whose key to replace (admins only; default the signer)")
	return c
}

func txProposeCmd(g *globals) *cobra.Command {
	var f txFlags
	var a identity.Action
	var adminKey pubKeyFlags
	var valKey, valKeyFile string
	// prove signs a's proof of possession with the validator key, for the
	// node's chain-id and the department's validator nonce (0 for a
	// department being added).
	prove := func(ctx context.Context, vk *node.ValidatorKey) error {
		c := g.client()
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		nonce := uint64(0)
		if a.Kind == identity.KindSetValidator {
			d, err := client.Query[identity.Department](ctx, c, client.Path(identity.Name, "departments", a.Department))
			if err != nil {
				return fmt.Errorf("department %q: %w", a.Department, err)
			}
			nonce = d.ValidatorNonce
		}
		return a.ProvePossession(st.ChainID, nonce, vk.Sign)
	}
	c := &cobra.Command{
		Use:   "propose KIND",
		Short: "Open a consortium proposal: add_department, remove_department, set_validator, grant_admin, revoke_admin, rotate_admin_key, set_threshold, set_role_grantors",
		Long: `Open a consortium proposal (docs/identity.md). A proposal that gives a
validator key power (set_validator with --power above 0, add_department with
a validator) carries the key's proof of possession: give the node's
priv_validator_key.json with --validator-key-file and the command signs it
for the chain and the department's current validator nonce, read from
--node.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a.Kind = args[0]
			if a.Kind == identity.KindSetRoleGrantors {
				a.Departments = module.SortedUnique(a.Departments)
			}
			if a.Kind == identity.KindGrantAdmin && a.Account != "" {
				// The proposal names the account's current key (the
				// consortium vets that key; a rotation before the grant
				// makes it fail).
				acct, err := client.Query[identity.Account](ctx, g.client(), client.Path(identity.Name, "accounts", a.Account))
				if err != nil {
					return fmt.Errorf("account %s: %w", a.Account, err)
				}
				a.Algorithm, a.PublicKey = acct.Algorithm, acct.PublicKey
			}
			if a.Kind == identity.KindAddDepartment || a.Kind == identity.KindRotateAdminKey {
				alg, pub, err := adminKey.get(g)
				if err != nil {
					return err
				}
				a.Algorithm, a.PublicKey = alg, pub
			}
			if valKey != "" {
				b, err := base64.StdEncoding.DecodeString(valKey)
				if err != nil {
					return usageErr("--validator-key is not base64: %v", err)
				}
				a.ValidatorKey = b
			}
			if valKeyFile != "" {
				vk, err := node.ReadValidatorKey(valKeyFile)
				if err != nil {
					return usageErr("--validator-key-file: %v", err)
				}
				if a.ValidatorKey != nil && !bytes.Equal(a.ValidatorKey, vk.PublicKey) {
					return usageErr("--validator-key is not the key of --validator-key-file")
				}
				a.ValidatorKey = vk.PublicKey
				if a.Kind == identity.KindAddDepartment || (a.Kind == identity.KindSetValidator && a.Power > 0) {
					if err := prove(ctx, vk); err != nil {
						return err
					}
				}
			}
			return g.send(ctx, &f, client.Msg(identity.TypePropose, identity.MsgPropose{Action: a}))
		},
	}
	f.register(c)
	adminKey.register(c, "add_department: the new department's admin key; rotate_admin_key: the admin's new key")
	c.Flags().StringVar(&a.Department, "department", "", "department id")
	c.Flags().StringVar(&a.Name, "name", "", "add_department: display name")
	c.Flags().StringVar(&a.Account, "account", "", "grant_admin/revoke_admin/rotate_admin_key: account address")
	c.Flags().StringVar(&valKey, "validator-key", "", "add_department/set_validator: ed25519 consensus key, base64")
	c.Flags().StringVar(&valKeyFile, "validator-key-file", "", "add_department/set_validator: the validator's priv_validator_key.json; signs the proof of possession")
	c.Flags().Int64Var(&a.Power, "power", 0, "validator voting power (0 removes)")
	c.Flags().Uint32Var(&a.Threshold, "threshold", 0, "set_threshold: approvals needed (m)")
	c.Flags().StringVar(&a.Role, "role", "", "set_role_grantors: the role")
	c.Flags().StringSliceVar(&a.Departments, "departments", nil, `set_role_grantors: the departments that may grant it (comma-separated; "*": every department; none: no department)`)
	return c
}
