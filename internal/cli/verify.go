package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/govchain/govchain/x/modules"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/verify"
)

// ExitUnverified means a proof did not verify.
const ExitUnverified = 5

func verifyCmd(g *globals) *cobra.Command {
	var trustGenesis, trustHeader, hashSuite string
	cmd := &cobra.Command{
		Use:   "verify receipt|state|log|consistency FILE",
		Short: "Check a receipt, state proof, proven record, log or consistency proof offline",
		Long: `verify checks a proof file without any network access: the proof itself, the
commitments it rests on, and the signed headers that carry them, following
validator-set changes with CometBFT's light client from what you trust: the
chain's genesis.json (--trust) or a header you trust (--trust-header, a light
block as GET /v1/light/{height} returns it). It prints what was proven, or
exits with code 5 and the reason.

  receipt      GET /v1/txs/{hash}/receipt, govchain query receipt, tx --receipt
  state        GET /v1/state/{key}?prove=true, or a module record read with
               ?prove=true (govchain query <module> <query> --prove -o json):
               the record must be exactly the proven value decoded
  log          GET /v1/log/proof
  consistency  GET /v1/log/consistency?from=M&to=N&prove=true

Every field of the file is checked or refused (docs/proofs.md lists the few
no hash covers).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var trust *verify.Trust
			var err error
			switch {
			case (trustGenesis == "") == (trustHeader == ""):
				return usageErr("give exactly one of --trust genesis.json or --trust-header FILE")
			case trustGenesis != "":
				trust, err = verify.TrustGenesis(trustGenesis)
			default:
				trust, err = verify.TrustLightBlock(trustHeader, hashSuite)
			}
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			switch args[0] {
			case "receipt", "state", "log", "consistency":
			default:
				return usageErr("verify receipt, state, log or consistency, not %q", args[0])
			}
			res, err := verify.VerifyFile(args[0], b, trust, modules.DecodeRecord)
			if err != nil {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED: %w", err)}
			}
			return g.print(res, func(w io.Writer) {
				fmt.Fprintln(w, "verified:", res.Summary)
				if t := modules.RecordType(res.RecordType); t != nil && res.Record != nil {
					rec := reflect.New(t)
					if json.Unmarshal(res.Record, rec.Interface()) == nil {
						fmt.Fprintln(w)
						g.shower().show(w, rec.Interface())
					}
				}
			})
		},
	}
	cmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.Flags().StringVar(&trustHeader, "trust-header", "", "a trusted light block (JSON of GET /v1/light/{height})")
	cmd.Flags().StringVar(&hashSuite, "hash-suite", "sha256", "with --trust-header: the chain's hash suite (genesis names it otherwise)")
	return cmd
}
