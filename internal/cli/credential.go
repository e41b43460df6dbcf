package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/credential/bundle"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
)

// credentialCmd issues, presents and verifies W3C VCs secured as SD-JWT
// (docs/credentials.md).
func credentialCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "credential", Short: "Issue, present and verify verifiable credentials (W3C VC 2.0 as SD-JWT, status on chain)"}
	cmd.AddCommand(credentialIssueCmd(g), credentialPresentCmd(g), credentialVerifyCmd(g), credentialDIDCmd(g))
	return cmd
}

func writeOut(g *globals, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := g.stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

func credentialIssueCmd(g *globals) *cobra.Command {
	var keyName, kid, issuer, typ, holder, from string
	var claims, statuses []string
	var validDays int
	var out string
	var noRegister bool
	cmd := &cobra.Command{
		Use:   "issue",
		Short: "Sign an SD-JWT VC for a citizen with a department's issuer key (every claim selectively disclosable)",
		Long: `issue signs a credential with an issuer key of your department (registered with
tx identity add-issuer-key; the consortium authorises the department for the
type with an authorize_issuer proposal). The holder's key is read from the
node: the credential is bound to the citizen's account key. Nothing goes on
chain; the status entries name indices of the department's status lists
(tx credentials create-list), which revoke and suspend it later.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := g.loadKey(keyName)
			if err != nil {
				return err
			}
			ctx := context.Background()
			c := g.client()
			st, err := c.Status(ctx)
			if err != nil {
				return g.unreachable(err)
			}
			var acct identity.Account
			if err := c.Get(ctx, "/v1/identity/accounts/"+holder, &acct); err != nil {
				return err
			}
			is := credential.Issuance{ChainID: st.ChainID, Issuer: issuer, Type: typ, Holder: holder,
				HolderAlg: acct.Algorithm, HolderKey: acct.PublicKey, IssuedAt: time.Now().Unix()}
			if validDays > 0 {
				is.ValidUntil = is.IssuedAt + int64(validDays)*86400
			}
			for _, c := range claims {
				name, val, ok := strings.Cut(c, "=")
				if !ok || name == "" {
					return usageErr("--claim NAME=VALUE, not %q", c)
				}
				var v any = val
				if json.Valid([]byte(val)) {
					v = json.RawMessage(val)
				}
				is.Claims = append(is.Claims, credential.Claim{Name: name, Value: v})
			}
			for _, s := range statuses {
				parts := strings.Split(s, ":")
				if len(parts) != 3 {
					return usageErr("--status PURPOSE:LIST:INDEX, not %q", s)
				}
				idx, err := strconv.ParseUint(parts[2], 10, 64)
				if err != nil {
					return usageErr("--status index %q", parts[2])
				}
				is.Status = append(is.Status, credential.StatusRef{Purpose: parts[0], List: parts[1], Index: idx})
			}
			sdjwt, err := credential.Issue(is, credential.Signer{Key: key, Kid: kid}, rand.Reader)
			if err != nil {
				return usageErr("%v", err)
			}
			if !noRegister {
				if from == "" {
					return usageErr("--from names the official who registers the credential (or give --no-register)")
				}
				sd, _ := credential.Parse(sdjwt)
				if err := g.sendQuiet(ctx, c, from, client.Msg(credentials.TypeRegister,
					credentials.MsgRegister{Digest: credential.Digest(sd.IssuerJWT), Type: typ})); err != nil {
					return err
				}
			}
			return writeOut(g, out, []byte(sdjwt+"\n"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&keyName, "key", "", "the issuer key's name in <home>/keys")
	f.StringVar(&kid, "kid", "", "the issuer key's id in x/identity")
	f.StringVar(&issuer, "issuer", "", "the issuing department id")
	f.StringVar(&typ, "type", "", "credential type, e.g. residency")
	f.StringVar(&holder, "holder", "", "the citizen's account address")
	f.StringArrayVar(&claims, "claim", nil, "a claim NAME=VALUE (VALUE as JSON when it parses, else a string); repeat")
	f.StringArrayVar(&statuses, "status", nil, "a status entry PURPOSE:LIST:INDEX (revocation or suspension); repeat")
	f.IntVar(&validDays, "valid-days", 0, "days the credential is valid (0: no end)")
	f.StringVar(&out, "out", "", "write the credential here (default stdout)")
	f.StringVar(&from, "from", "", "the official (role credentials.issuer) who registers it on chain")
	f.BoolVar(&noRegister, "no-register", false, "sign only; register later with tx credentials register DIGEST --type TYPE")
	for _, r := range []string{"key", "kid", "issuer", "type", "holder"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}

func credentialPresentCmd(g *globals) *cobra.Command {
	var keyName, aud, nonce, out string
	var disclose []string
	cmd := &cobra.Command{
		Use:   "present CREDENTIAL_FILE",
		Short: "Disclose chosen claims to a verifier, bound to its audience and nonce, with the state proofs to check it offline",
		Long: `present keeps the disclosures of the claims named by --disclose (all when none
is named), signs a key-binding JWT with the holder's key for the verifier's
audience and nonce, and fetches from the node the state proofs of the
issuer's record, the credential's registration, the holder's account and
each status list, at one height.
It writes the presentation bundle (docs/credentials.md) that
govchain credential verify checks offline.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			key, err := g.loadKey(keyName)
			if err != nil {
				return err
			}
			var names []string
			for _, d := range disclose {
				names = append(names, strings.Split(d, ",")...)
			}
			pres, err := credential.Present(strings.TrimSpace(string(raw)), names, credential.Signer{Key: key}, aud, nonce, time.Now().Unix())
			if err != nil {
				return usageErr("%v", err)
			}
			b, err := BuildBundle(context.Background(), g.client(), pres)
			if err != nil {
				return err
			}
			return writeOut(g, out, b)
		},
	}
	f := cmd.Flags()
	f.StringVar(&keyName, "key", "", "the holder's key name in <home>/keys")
	f.StringVar(&aud, "aud", "", "the verifier (audience), e.g. its DID")
	f.StringVar(&nonce, "nonce", "", "the verifier's nonce")
	f.StringArrayVar(&disclose, "disclose", nil, "claims to disclose (comma-separated; repeat); default all")
	f.StringVar(&out, "out", "", "write the bundle here (default stdout)")
	for _, r := range []string{"key", "aud", "nonce"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}

// BuildBundle fetches the proofs a presentation needs at one height and
// renders the bundle.
func BuildBundle(ctx context.Context, c *client.Client, pres string) ([]byte, error) {
	keys, err := bundle.Needed(pres)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	h := st.LatestHeight
	b := &bundle.Bundle{Format: bundle.Format, ChainID: st.ChainID, Presentation: pres}
	for _, k := range keys {
		s, err := c.State(ctx, k, h, true)
		if err == nil && s.HeaderPending && len(b.Proofs) == 0 && h > 1 {
			h-- // the header signing the latest height is not out yet
			s, err = c.State(ctx, k, h, true)
		}
		if err != nil {
			return nil, err
		}
		if s.Anchor == nil || s.Proof == nil {
			return nil, fmt.Errorf("no proof of %q at height %d", k, h)
		}
		j, _ := json.Marshal(s)
		var p verify.StateProof
		if err := json.Unmarshal(j, &p); err != nil {
			return nil, err
		}
		b.Proofs = append(b.Proofs, p)
	}
	return bundle.Encode(b)
}

func credentialVerifyCmd(g *globals) *cobra.Command {
	var trustGenesis, aud, nonce string
	var at, maxAge int64
	var maxStateAge time.Duration
	cmd := &cobra.Command{
		Use:   "verify BUNDLE_FILE",
		Short: "Check a credential presentation bundle offline, trusting only the chain's genesis",
		Long: `verify checks, with no network access: the state proofs against the headers
they carry from the chain's genesis (--trust); the credential's registration
(x/credentials), the issuer's signature with its key in force at that block
and its authorisation for the credential type then (x/identity); the holder binding (the key-binding JWT verifies with the
holder account's key, over exactly this presentation, for --aud and --nonce,
made recently); every disclosure against the signed digests (only disclosed
claims are shown); and that no status list marks it revoked or suspended
(x/credentials). It exits with code 5 and the reason when any check fails.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			now := time.Now().Unix()
			if at != 0 {
				now = at
			}
			res, err := bundle.Verify(b, trust, credential.Expect{Audience: aud, Nonce: nonce, Now: now, MaxAge: maxAge},
				bundle.Options{MaxStateAge: maxStateAge})
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			return g.print(res, func(w io.Writer) {
				fmt.Fprintln(w, "verified:", res.Summary)
				for _, n := range claimNames(res.Credential.Claims) {
					fmt.Fprintf(w, "  %s: %s\n", n, res.Credential.Claims[n])
				}
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	f.StringVar(&aud, "aud", "", "your audience: the presentation must be made to it")
	f.StringVar(&nonce, "nonce", "", "the nonce you gave the holder")
	f.Int64Var(&at, "at", 0, "verify as at this unix time (default now)")
	f.Int64Var(&maxAge, "max-age", 300, "seconds a key binding may be old")
	f.DurationVar(&maxStateAge, "max-state-age", 24*time.Hour, "refuse state proven at a block older than this (0: any)")
	for _, r := range []string{"trust", "aud", "nonce"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}

func claimNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func credentialDIDCmd(g *globals) *cobra.Command {
	var trustGenesis, file string
	cmd := &cobra.Command{
		Use:   "did DID",
		Short: "Resolve a did:govchain DID with a proof and check it against the chain's genesis",
		Long: `did resolves did:govchain:<chain>:<account or department> through the node
(GET /v1/did/{did}?prove=true), or reads that answer from --file, then checks
it offline: the state proof from the genesis (--trust), and that the DID
document is exactly the one the proven record gives (docs/credentials.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			var data []byte
			if file != "" {
				if data, err = os.ReadFile(file); err != nil {
					return err
				}
			} else {
				var raw json.RawMessage
				if err := g.client().Get(context.Background(), "/v1/did/"+args[0]+"?prove=true", &raw); err != nil {
					return err
				}
				data = raw
			}
			doc, res, err := bundle.VerifyDID(args[0], data, trust)
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			return g.print(doc, func(w io.Writer) {
				fmt.Fprintln(w, "verified:", res.Summary)
				b, _ := json.MarshalIndent(doc, "", "  ")
				fmt.Fprintln(w, string(b))
			})
		},
	}
	cmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.Flags().StringVar(&file, "file", "", "a saved GET /v1/did/{did}?prove=true answer (default: ask the node)")
	cmd.MarkFlagRequired("trust")
	return cmd
}

// sendQuiet signs msg with the key named from, submits it and waits for the
// commit, printing nothing (the command's output is something else).
func (g *globals) sendQuiet(ctx context.Context, c *client.Client, from string, msg tx.Msg) error {
	key, err := g.loadKey(from)
	if err != nil {
		return err
	}
	s, err := c.NewSigner(ctx, key, "")
	if err != nil {
		return err
	}
	raw, err := s.Sign("", msg)
	if err != nil {
		return err
	}
	r, err := c.Submit(ctx, raw, true)
	if err != nil {
		return err
	}
	if r.Code != 0 {
		return &exitError{ExitTxFailed, fmt.Errorf("%s: tx %s failed with code %d%s: %s", msg.Type, r.Hash, r.Code, codespaceText(r.Codespace), r.Log)}
	}
	return nil
}
