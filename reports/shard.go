package reports

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a run split across machines: Index of Count, both 1-based, as the
// --shard 2/4 flag spells it.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// ParseShard reads "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, ierr := strconv.Atoi(is)
	n, nerr := strconv.Atoi(ns)
	if !ok || ierr != nil || nerr != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 2/4", s)
	}
	sh := Shard{Index: i, Count: n}
	return sh, sh.validate()
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

func (s Shard) validate() error {
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return fmt.Errorf("shard %s: want 1 <= i <= n", s)
	}
	return nil
}

// Has reports whether the case id belongs to this shard.
func (s Shard) Has(id string) bool { return InShard(id, s.Index, s.Count) }

// InShard reports whether case id belongs to shard i of n (1-based). The choice hangs on a
// hash of the id alone, so the n shards partition any set of cases, each machine decides
// without coordination, and adding a case moves no other case to another shard. With few
// cases a shard may be empty; that is a valid shard, not an error.
func InShard(id string, i, n int) bool {
	if n <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64()%uint64(n)) == i-1
}

// ShardIDs returns the ids of shard i of n, in their given order.
func ShardIDs(ids []string, i, n int) []string {
	var out []string
	for _, id := range ids {
		if InShard(id, i, n) {
			out = append(out, id)
		}
	}
	return out
}
