package runner

import (
	"fmt"
	"strconv"

	"github.com/conformance-suite/conformance/reports"
)

// The environment variables that select a shard when --shard is not given, so that the runners
// of a CI matrix or the pods of a Kubernetes Indexed Job need no per-runner arguments.
const (
	// EnvShard is "i/n", 1-based, as --shard spells it.
	EnvShard = "CONFORMANCE_SHARD"
	// EnvShardCount is n; the index then comes from EnvJobCompletionIndex.
	EnvShardCount = "CONFORMANCE_SHARD_COUNT"
	// EnvJobCompletionIndex is the 0-based index Kubernetes gives each pod of an Indexed Job.
	// Alone it selects nothing: a pod of an Indexed Job may run the whole suite against a
	// target of its own, so only CONFORMANCE_SHARD_COUNT makes it a shard index.
	EnvJobCompletionIndex = "JOB_COMPLETION_INDEX"
)

// ShardFromEnv reads the shard from the environment: CONFORMANCE_SHARD=i/n, or
// JOB_COMPLETION_INDEX (0-based) with CONFORMANCE_SHARD_COUNT=n. It returns nil when neither
// is set (an empty value is unset, as a CI template passes an empty input), and an error naming the variable for a bad or contradictory value. The --shard flag
// wins over both: the caller asks only when the flag is absent.
func ShardFromEnv(lookup func(string) (string, bool)) (*reports.Shard, error) {
	spec, _ := lookup(EnvShard)
	count, _ := lookup(EnvShardCount)
	hasSpec, hasCount := spec != "", count != ""
	switch {
	case hasSpec && hasCount:
		return nil, fmt.Errorf("%s and %s are both set: set one", EnvShard, EnvShardCount)
	case hasSpec:
		sh, err := reports.ParseShard(spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvShard, err)
		}
		return &sh, nil
	case hasCount:
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s=%q: want a whole number of shards, at least 1", EnvShardCount, count)
		}
		index, _ := lookup(EnvJobCompletionIndex)
		if index == "" {
			return nil, fmt.Errorf("%s is set but %s is not: the shard index comes from a Kubernetes Indexed Job", EnvShardCount, EnvJobCompletionIndex)
		}
		i, err := strconv.Atoi(index)
		if err != nil || i < 0 || i >= n {
			return nil, fmt.Errorf("%s=%q: want 0 <= index < %s (%d)", EnvJobCompletionIndex, index, EnvShardCount, n)
		}
		return &reports.Shard{Index: i + 1, Count: n}, nil
	}
	return nil, nil
}
