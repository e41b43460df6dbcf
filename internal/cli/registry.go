package cli

import (
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/x/registry"
)

// parseOwners reads ADDRESS[:BASIS_POINTS] items; a lone address owns 10000.
func parseOwners(items []string) ([]registry.Owner, error) {
	var out []registry.Owner
	for _, it := range items {
		addr, bp, found := strings.Cut(it, ":")
		share := uint64(registry.FullShare)
		if found {
			v, err := strconv.ParseUint(bp, 10, 32)
			if err != nil {
				return nil, usageErr("share %q: basis points, 1 to 10000", bp)
			}
			share = v
		}
		out = append(out, registry.Owner{Account: addr, Share: uint32(share)})
	}
	return out, nil
}

func idArg(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, usageErr("id must be a number")
	}
	return id, nil
}

func txRegistryCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "registry", Short: "Real-estate registry: parcels, encumbrances, freezes, conditional transfers"}
	add := func(use, short string, nargs int, setup func(c *cobra.Command), build func(args []string) (string, any, error)) {
		var f txFlags
		c := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(nargs),
			RunE: func(cmd *cobra.Command, args []string) error {
				typ, body, err := build(args)
				if err != nil {
					return err
				}
				return g.send(cmd.Context(), &f, client.Msg(typ, body))
			}}
		f.register(c)
		if setup != nil {
			setup(c)
		}
		cmd.AddCommand(c)
	}
	{
		var m registry.MsgRegisterParcel
		var owners []string
		var deed string
		add("register-parcel NUMBER", "Register a parcel and its first title (registry.registrar)", 1, func(c *cobra.Command) {
			c.Flags().StringVar(&m.District, "district", "", "district")
			c.Flags().StringVar(&m.Location, "location", "", "address or location")
			c.Flags().Uint64Var(&m.Area, "area", 0, "area in hundredths of a square metre (8956 = 89.56 m2)")
			c.Flags().StringVar(&m.Use, "use", "residential", "residential, commercial, industrial, agricultural or public")
			c.Flags().StringSliceVar(&owners, "owner", nil, "ADDRESS[:BASIS_POINTS] (repeatable; shares sum to 10000)")
			c.Flags().StringVar(&deed, "deed-hash", "", "SHA-256 of the deed document kept off-chain, hex")
		}, func(args []string) (string, any, error) {
			m.Number = args[0]
			o, err := parseOwners(owners)
			if err != nil {
				return "", nil, err
			}
			m.Owners = o
			if deed != "" {
				if m.DeedHash, err = hex.DecodeString(deed); err != nil {
					return "", nil, usageErr("--deed-hash is not hex")
				}
			}
			return registry.TypeRegisterParcel, &m, nil
		})
	}
	{
		var m registry.MsgAddEncumbrance
		add("add-encumbrance PARCEL", "Register a mortgage (registry.bank) or lien (registry.court)", 1, func(c *cobra.Command) {
			c.Flags().StringVar(&m.Kind, "kind", registry.KindMortgage, "mortgage or lien")
			c.Flags().Uint64Var(&m.Amount, "amount", 0, "secured amount in minor units (fen)")
		}, func(args []string) (string, any, error) {
			m.Parcel = args[0]
			return registry.TypeAddEncumbrance, &m, nil
		})
	}
	add("release-encumbrance PARCEL ID", "Release an encumbrance you hold", 2, nil, func(args []string) (string, any, error) {
		id, err := idArg(args[1])
		return registry.TypeReleaseEncumbrance, &registry.MsgReleaseEncumbrance{Parcel: args[0], ID: id}, err
	})
	for _, fz := range []struct{ use, typ, short string }{
		{"freeze PARCEL", registry.TypeFreeze, "Freeze a parcel (registry.court): transfers wait"},
		{"unfreeze PARCEL", registry.TypeUnfreeze, "Lift a freeze (registry.court)"},
	} {
		fz := fz
		var reason string
		add(fz.use, fz.short, 1, func(c *cobra.Command) {
			c.Flags().StringVar(&reason, "reason", "", "case reference")
		}, func(args []string) (string, any, error) {
			return fz.typ, &registry.MsgFreeze{Parcel: args[0], Reason: reason}, nil
		})
	}
	{
		var m registry.MsgOpenTransfer
		var buyers []string
		add("open-transfer PARCEL", "Offer a parcel you own for sale on conditions (co-owners consent with accept-transfer)", 1, func(c *cobra.Command) {
			c.Flags().StringSliceVar(&buyers, "buyer", nil, "ADDRESS[:BASIS_POINTS] (repeatable)")
			c.Flags().Uint64Var(&m.Price, "price", 0, "price in minor units (fen)")
			c.Flags().Int64Var(&m.Deadline, "deadline", 0, "unix time after which the transfer can no longer execute (0: none)")
		}, func(args []string) (string, any, error) {
			m.Parcel = args[0]
			b, err := parseOwners(buyers)
			m.Buyers = b
			return registry.TypeOpenTransfer, &m, err
		})
	}
	for _, ref := range []struct{ use, typ, short string }{
		{"accept-transfer ID", registry.TypeAcceptTransfer, "Accept a transfer as a buyer, or consent to it as a co-owner"},
		{"confirm-payment ID", registry.TypeConfirmPayment, "Confirm the buyer's payment (registry.bank)"},
		{"cancel-transfer ID", registry.TypeCancelTransfer, "Cancel an open transfer (seller or buyer)"},
	} {
		ref := ref
		add(ref.use, ref.short, 1, nil, func(args []string) (string, any, error) {
			id, err := idArg(args[0])
			return ref.typ, &registry.MsgTransferRef{ID: id}, err
		})
	}
	{
		var amount uint64
		add("confirm-tax ID", "Confirm the transfer tax was paid (registry.tax)", 1, func(c *cobra.Command) {
			c.Flags().Uint64Var(&amount, "amount", 0, "the tax paid, equal to the transfer's tax_due")
		}, func(args []string) (string, any, error) {
			id, err := idArg(args[0])
			return registry.TypeConfirmTax, &registry.MsgConfirmTax{ID: id, Amount: amount}, err
		})
	}
	add("set-tax-rate BASIS_POINTS", "Set the transfer tax rate (registry.tax)", 1, nil, func(args []string) (string, any, error) {
		v, err := strconv.ParseUint(args[0], 10, 32)
		if err != nil {
			return "", nil, usageErr("rate in basis points, 0 to 10000")
		}
		return registry.TypeSetTaxRate, &registry.MsgSetTaxRate{Rate: uint32(v)}, nil
	})
	return cmd
}
