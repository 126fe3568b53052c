// Package kubernetes holds the example manifests of a sharded run (an Indexed Job and a merge
// Job); its test decodes them strictly with the Kubernetes API types.
package kubernetes

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// decode reads every document of a manifest file strictly (an unknown or misspelt field is an
// error, as kubectl's server-side validation would make it) into the type its kind names.
func decode(t *testing.T, file string) []any {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	for i, doc := range strings.Split(string(raw), "\n---\n") {
		var head struct{ APIVersion, Kind string }
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatalf("%s document %d: %v", file, i+1, err)
		}
		var obj any
		switch head.APIVersion + " " + head.Kind {
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		default:
			t.Fatalf("%s document %d: unexpected %s %s", file, i+1, head.APIVersion, head.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Fatalf("%s document %d (%s): %v", file, i+1, head.Kind, err)
		}
		out = append(out, obj)
	}
	return out
}

// The Indexed Job's pods are the shards of one run and the merge Job joins exactly those
// shards: completions, parallelism and CONFORMANCE_SHARD_COUNT agree, each pod writes to the
// directory of its JOB_COMPLETION_INDEX, the merge lists every one of them, both run as the
// image's nonroot user, and both mount the same claim.
func TestManifestsDecodeAndAgree(t *testing.T) {
	run := decode(t, "conformance-job.yaml")
	merge := decode(t, "conformance-merge.yaml")
	if len(run) != 2 || len(merge) != 1 {
		t.Fatalf("%d and %d documents, want a claim and a Job, and a Job", len(run), len(merge))
	}
	claim, ok := run[0].(*corev1.PersistentVolumeClaim)
	job, ok2 := run[1].(*batchv1.Job)
	mj, ok3 := merge[0].(*batchv1.Job)
	if !ok || !ok2 || !ok3 {
		t.Fatalf("want a PersistentVolumeClaim and a Job, then a Job: %T %T %T", run[0], run[1], merge[0])
	}
	if job.Spec.CompletionMode == nil || *job.Spec.CompletionMode != batchv1.IndexedCompletion {
		t.Error("the run's Job is not an Indexed Job: its pods get no JOB_COMPLETION_INDEX")
	}
	n := int32(0)
	if job.Spec.Completions != nil {
		n = *job.Spec.Completions
	}
	if job.Spec.Parallelism == nil || *job.Spec.Parallelism != n || n < 2 {
		t.Errorf("completions %d, parallelism %v: want every shard at once", n, job.Spec.Parallelism)
	}
	c := job.Spec.Template.Spec.Containers[0]
	count := ""
	for _, e := range c.Env {
		if e.Name == "CONFORMANCE_SHARD_COUNT" {
			count = e.Value
		}
	}
	if count != fmt.Sprint(n) {
		t.Errorf("CONFORMANCE_SHARD_COUNT %q, completions %d: the shards would not partition the run", count, n)
	}
	if !slices.Contains(c.Args, "/reports/shard-$(JOB_COMPLETION_INDEX)") || c.Args[0] != "run" {
		t.Errorf("the pods' args %q do not write one directory per index", c.Args)
	}
	mc := mj.Spec.Template.Spec.Containers[0]
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("/reports/shard-%d", i))
	}
	if len(mc.Args) < 3 || mc.Args[0] != "merge" || !slices.Equal(mc.Args[3:], want) {
		t.Errorf("the merge's args %q, want merge --out DIR and the shards %q", mc.Args, want)
	}
	for _, j := range []*batchv1.Job{job, mj} {
		sc := j.Spec.Template.Spec.SecurityContext
		if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != 65532 || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
			t.Errorf("%s does not run as the image's nonroot user 65532", j.Name)
		}
		if j.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("%s restarts its pods: a failed run would run again", j.Name)
		}
		claims := 0
		for _, v := range j.Spec.Template.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim.Name {
				claims++
			}
		}
		if claims != 1 {
			t.Errorf("%s does not mount the claim %s", j.Name, claim.Name)
		}
	}
}

// Strict decoding is what catches a typo: a misspelt field fails.
func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	raw, err := os.ReadFile("conformance-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(raw), "\n---\n")
	bad := strings.Replace(docs[1], "parallelism:", "paralelism:", 1)
	if err := yaml.UnmarshalStrict([]byte(bad), &batchv1.Job{}); err == nil {
		t.Error("a misspelt parallelism decoded")
	}
}
