package procurement

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"sort"
	"strings"
)

// BidHash is the commitment of a sealed bid:
//
//	SHA-256("govchain/procurement/bid/v1" || u64be(tender) || u8(len(supplier)) || supplier ||
//	        u64be(amount) || document (32 bytes) || salt)
//
// The tender and the supplier are inside, so a commitment cannot be
// replayed on another tender or by another supplier.
func BidHash(tender uint64, supplier string, amount uint64, document, salt []byte) []byte {
	h := sha256.New()
	h.Write([]byte("govchain/procurement/bid/v1"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], tender)
	h.Write(b[:])
	h.Write([]byte{byte(len(supplier))})
	h.Write([]byte(supplier))
	binary.BigEndian.PutUint64(b[:], amount)
	h.Write(b[:])
	h.Write(document)
	h.Write(salt)
	return h.Sum(nil)
}

// Scoring units. Points are on a 0-100 scale; scores are kept in
// hundredths of a point (ScoreUnit = 100.00 points at most) and totals in
// ten-thousandths (weight percent x hundredths).
const ScoreUnit = 10000

// PriceScore is MOF Order 87's price score, base / bid x 100, in
// hundredths of a point, rounded down: floor(base x 10000 / bid). base is
// the lowest compliant bid, so the score is at most 10000.
func PriceScore(base, bid uint64) uint64 {
	if bid == 0 || base > bid {
		return 0
	}
	hi, lo := bits.Mul64(base, ScoreUnit)
	q, _ := bits.Div64(hi, lo, bid) // hi < bid since base <= bid
	return q
}

// Entry is what Rank needs of one compliant bid.
type Entry struct {
	Supplier string
	Amount   uint64
}

// Rank scores and ranks the compliant bids (MOF Order 87 comprehensive
// scoring):
//
//   - price score = floor(base x 10000 / bid), base = lowest compliant bid;
//   - each criterion's score = floor(sum of the members' points x 100 /
//     members), the members' mean in hundredths of a point;
//   - total = price weight x price score + sum of weight x criterion score,
//     in ten-thousandths of a point (exact: the weights are integers).
//
// Order: higher total first; ties go to the lower price, then to the
// higher weighted technical score, then to the lower supplier account (so
// the order is total). points[m][i][c] is member m's points for bids[i]
// on criterion c. Rank is pure: `govchain procurement verify` calls it on
// exported records.
func Rank(priceWeight uint32, criteria []Criterion, bids []Entry, points [][][]uint32) []Ranked {
	if len(bids) == 0 {
		return nil
	}
	base := bids[0].Amount
	for _, b := range bids {
		base = min(base, b.Amount)
	}
	type row struct {
		r    Ranked
		tech uint64
	}
	rows := make([]row, len(bids))
	for i, b := range bids {
		r := Ranked{Supplier: b.Supplier, Amount: b.Amount, PriceScore: PriceScore(base, b.Amount)}
		total := uint64(priceWeight) * r.PriceScore
		var tech uint64
		for c, cr := range criteria {
			var sum uint64
			for _, m := range points {
				if i < len(m) && c < len(m[i]) {
					sum += uint64(m[i][c])
				}
			}
			var s uint64
			if len(points) > 0 {
				s = sum * 100 / uint64(len(points))
			}
			r.Technical = append(r.Technical, s)
			tech += uint64(cr.Weight) * s
		}
		r.Total = total + tech
		rows[i] = row{r, tech}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.r.Total != b.r.Total {
			return a.r.Total > b.r.Total
		}
		if a.r.Amount != b.r.Amount {
			return a.r.Amount < b.r.Amount
		}
		if a.tech != b.tech {
			return a.tech > b.tech
		}
		return strings.Compare(a.r.Supplier, b.r.Supplier) < 0
	})
	out := make([]Ranked, len(rows))
	for i, r := range rows {
		out[i] = r.r
	}
	return out
}

// Flags computes the red flags of an award from its bids (every bid, with
// its final status) and ranking; buyer is the buyer's counts including
// this tender.
func Flags(priceWeight uint32, bids []Bid, ranking []Ranked, buyer BuyerStats) RedFlags {
	var f RedFlags
	f.SingleBidder = len(bids) == 1
	qualified := len(ranking)
	f.AllButWinnerDisqualified = len(bids) > 1 && qualified == 1
	if priceWeight == 100 {
		var lowest *Bid
		for i := range bids {
			b := &bids[i]
			if b.Amount == 0 {
				continue // never revealed
			}
			if lowest == nil || b.Amount < lowest.Amount {
				lowest = b
			}
		}
		f.LowestDisqualified = lowest != nil && lowest.Status == BidDisqualified
	}
	if len(ranking) > 1 {
		w, r := ranking[0].Amount, ranking[1].Amount
		f.HasRunnerUp = true
		if r >= w {
			f.WinnerGapBP = int64(mulDiv(r-w, 10000, w))
		} else {
			f.WinnerGapBP = -int64(mulDiv(w-r, 10000, w))
		}
	}
	if buyer.Bids > 0 {
		f.BuyerDisqualifiedBP = buyer.Disqualified * 10000 / buyer.Bids
	}
	return f
}

// mulDiv is floor(a x b / c), saturating.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 1<<63 - 1
	}
	q, _ := bits.Div64(hi, lo, c)
	return min(q, 1<<63-1)
}
