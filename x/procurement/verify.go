package procurement

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
)

// Recompute checks a process from its records alone, as
// `govchain procurement verify` does offline: every revealed bid matches
// its commitment, every disqualification has its stated cause, and the
// ranking recomputed with Rank from the bids and the unconflicted
// members' scores equals the recorded award. It returns the recomputed
// ranking.
func Recompute(p *Process) ([]Ranked, error) {
	t := &p.Tender
	if len(p.Bids) != len(t.Bids) {
		return nil, fmt.Errorf("%d bids for %d bidders", len(p.Bids), len(t.Bids))
	}
	var entries []Entry
	for i, b := range p.Bids {
		if b.Supplier != t.Bids[i] || b.Tender != t.ID {
			return nil, fmt.Errorf("bid %d is %s on tender %d, the tender lists %s", i, b.Supplier, b.Tender, t.Bids[i])
		}
		revealed := b.Revealed != 0
		if revealed && !bytes.Equal(BidHash(t.ID, b.Supplier, b.Amount, b.Document, b.Salt), b.Hash) {
			return nil, fmt.Errorf("bid of %s does not match its commitment", b.Supplier)
		}
		switch {
		case b.Status == BidRevealed && revealed && b.Amount <= t.Ceiling:
			entries = append(entries, Entry{Supplier: b.Supplier, Amount: b.Amount})
		case b.Status == BidDisqualified && revealed && b.Amount > t.Ceiling && b.Reason == "above ceiling":
		case b.Status == BidDisqualified && !revealed && b.Reason == "not revealed":
		case b.Status == BidCommitted && t.Award == nil:
		default:
			return nil, fmt.Errorf("bid of %s: status %s (%s) does not follow from its record", b.Supplier, b.Status, b.Reason)
		}
	}
	var points [][][]uint32
	if len(t.Criteria) > 0 {
		for _, mb := range t.Committee {
			if mb.Conflicted {
				continue
			}
			i := slices.IndexFunc(p.Scores, func(s Scores) bool { return s.Member == mb.Account })
			if i < 0 {
				if t.Award != nil {
					return nil, fmt.Errorf("no scores of member %s", mb.Account)
				}
				continue
			}
			sc := p.Scores[i]
			if len(sc.Bids) != len(entries) {
				return nil, fmt.Errorf("member %s scored %d bids, %d are compliant", mb.Account, len(sc.Bids), len(entries))
			}
			for j, e := range entries {
				if sc.Bids[j] != e.Supplier {
					return nil, fmt.Errorf("member %s's row %d is %s, not %s", mb.Account, j, sc.Bids[j], e.Supplier)
				}
			}
			points = append(points, sc.Points)
		}
	}
	ranking := Rank(t.PriceWeight, t.Criteria, entries, points)
	if t.Award != nil && !reflect.DeepEqual(ranking, t.Award.Ranking) {
		return ranking, fmt.Errorf("recomputed ranking differs from the recorded award")
	}
	if t.Award != nil && (len(ranking) == 0 || ranking[0].Supplier != t.Award.Winner || ranking[0].Amount != t.Award.Amount) {
		return ranking, fmt.Errorf("recorded winner is not the first of the ranking")
	}
	return ranking, nil
}
