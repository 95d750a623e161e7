// Package k8s_test checks the Kubernetes manifests (deploy/k8s): each
// kustomization is built with the kustomize library and every object is
// decoded strictly into its k8s.io/api type (an unknown or misspelt field
// fails), then held to the invariants of a stateless, hardened, scalable
// deployment. It checks the Dockerfile and the compose file too.
package k8s_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// objects builds the kustomization at dir and decodes every object
// strictly, by kind.
type objects struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	configMaps  []corev1.ConfigMap
	accounts    []corev1.ServiceAccount
	ingresses   []networkingv1.Ingress
	policies    []networkingv1.NetworkPolicy
	hpas        []autoscalingv2.HorizontalPodAutoscaler
	pdbs        []policyv1.PodDisruptionBudget
	jobs        []batchv1.Job
	namespaces  map[string]bool
}

func build(t *testing.T, dir string) objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out := objects{namespaces: map[string]bool{}}
	for _, r := range res.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		strict := func(v any) {
			if err := yaml.UnmarshalStrict(b, v); err != nil {
				t.Errorf("%s %s: %v", r.GetKind(), r.GetName(), err)
			}
		}
		out.namespaces[r.GetNamespace()] = true
		switch r.GetKind() {
		case "Deployment":
			var o appsv1.Deployment
			strict(&o)
			out.deployments = append(out.deployments, o)
		case "Service":
			var o corev1.Service
			strict(&o)
			out.services = append(out.services, o)
		case "ConfigMap":
			var o corev1.ConfigMap
			strict(&o)
			out.configMaps = append(out.configMaps, o)
		case "ServiceAccount":
			var o corev1.ServiceAccount
			strict(&o)
			out.accounts = append(out.accounts, o)
		case "Ingress":
			var o networkingv1.Ingress
			strict(&o)
			out.ingresses = append(out.ingresses, o)
		case "NetworkPolicy":
			var o networkingv1.NetworkPolicy
			strict(&o)
			out.policies = append(out.policies, o)
		case "HorizontalPodAutoscaler":
			var o autoscalingv2.HorizontalPodAutoscaler
			strict(&o)
			out.hpas = append(out.hpas, o)
		case "PodDisruptionBudget":
			var o policyv1.PodDisruptionBudget
			strict(&o)
			out.pdbs = append(out.pdbs, o)
		case "Job":
			var o batchv1.Job
			strict(&o)
			out.jobs = append(out.jobs, o)
		case "Secret":
			t.Errorf("Secret %s in the repository: secrets are created in the cluster, never committed", r.GetName())
		default:
			t.Errorf("unexpected kind %s", r.GetKind())
		}
	}
	return out
}

// selects reports whether selector's labels are all on the pod labels.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// secretish names an environment variable whose value is a secret.
func secretish(name string) bool {
	for _, w := range []string{"SECRET", "PASSWORD", "TOKEN", "API_KEY", "DATABASE_URL"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

func checkPod(t *testing.T, what string, spec corev1.PodSpec) {
	t.Helper()
	if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Errorf("%s: the pod must run as a non-root user", what)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: the API token is mounted, the app needs none", what)
	}
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			t.Errorf("%s/%s: want a read-only root, no privilege escalation, every capability dropped", what, c.Name)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("%s/%s: no %s request", what, c.Name, r)
			}
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("%s/%s: no %s limit", what, c.Name, r)
			}
		}
		for _, e := range c.Env {
			if secretish(e.Name) && !strings.HasSuffix(e.Name, "_FILE") && e.ValueFrom == nil && e.Value != "" {
				t.Errorf("%s/%s: %s is written in the manifest; take it from a Secret", what, c.Name, e.Name)
			}
		}
	}
}

func TestKubernetesManifests(t *testing.T) {
	for _, dir := range []string{"base", "overlays/production"} {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			if len(o.deployments) != 1 || len(o.services) != 1 || len(o.ingresses) != 1 || len(o.hpas) != 1 || len(o.pdbs) != 1 ||
				len(o.jobs) != 1 || len(o.policies) != 1 || len(o.configMaps) != 1 {
				t.Fatalf("objects: %d deployments, %d services, %d ingresses, %d HPAs, %d PDBs, %d jobs, %d network policies, %d config maps",
					len(o.deployments), len(o.services), len(o.ingresses), len(o.hpas), len(o.pdbs), len(o.jobs), len(o.policies), len(o.configMaps))
			}
			d := o.deployments[0]
			pod := d.Spec.Template
			if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
				t.Errorf("replicas %v: want at least 2", d.Spec.Replicas)
			}
			if !selects(d.Spec.Selector.MatchLabels, pod.Labels) {
				t.Errorf("the Deployment's selector misses its pods")
			}
			checkPod(t, "Deployment", pod.Spec)
			if len(pod.Spec.TopologySpreadConstraints) == 0 {
				t.Error("no topology spread")
			}
			c := pod.Spec.Containers[0]
			for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
				if p == nil || p.HTTPGet == nil {
					t.Errorf("no %s probe", name)
				}
			}
			if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" {
				t.Error("readiness must probe /readyz (the database) and liveness /healthz (the process)")
			}
			// /tmp is writable (uploads in flight); nothing else
			if !slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == "/tmp" }) {
				t.Error("no writable /tmp on a read-only root")
			}
			svc := o.services[0]
			if !selects(svc.Spec.Selector, pod.Labels) {
				t.Errorf("the Service selects no pod of the Deployment")
			}
			ing := o.ingresses[0]
			be := ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service
			if be == nil || be.Name != svc.Name {
				t.Errorf("the Ingress does not route to the Service")
			}
			if q, err := resource.ParseQuantity(strings.ToUpper(strings.TrimSuffix(ing.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"], "m")) + "Mi"); err != nil || q.Value() < 64<<20 {
				t.Errorf("upload body size %q: want at least 64m (OCOP_UPLOAD_LIMIT)", ing.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"])
			}
			hpa := o.hpas[0]
			if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != d.Name || hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 ||
				len(hpa.Spec.Metrics) == 0 || hpa.Spec.Metrics[0].Resource == nil || hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
				t.Errorf("the autoscaler: %+v", hpa.Spec)
			}
			pdb := o.pdbs[0]
			if pdb.Spec.Selector == nil || !selects(pdb.Spec.Selector.MatchLabels, pod.Labels) || pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() >= int(*d.Spec.Replicas) {
				t.Errorf("the disruption budget must cover the pods and leave room to drain a node")
			}
			job := o.jobs[0]
			checkPod(t, "Job", job.Spec.Template.Spec)
			if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever || !slices.Equal(job.Spec.Template.Spec.Containers[0].Args, []string{"migrate", "up"}) ||
				job.Spec.Template.Spec.Containers[0].Image != c.Image {
				t.Errorf("the migration Job must run `ocop migrate up` once, with the app's image")
			}
			np := o.policies[0]
			if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) ||
				!selects(np.Spec.PodSelector.MatchLabels, pod.Labels) {
				t.Errorf("the network policy must limit both directions of the app's pods")
			}
			if dir == "overlays/production" {
				if *d.Spec.Replicas < 3 || strings.HasSuffix(c.Image, ":latest") || !o.namespaces["ocop"] || len(o.namespaces) != 1 {
					t.Errorf("production: %d replicas, image %s, namespaces %v", *d.Spec.Replicas, c.Image, o.namespaces)
				}
			}
		})
	}
}

// TestImageAndCompose: the Dockerfile builds a static binary onto a
// distroless base as a non-root user, labelled, without a HEALTHCHECK;
// the compose stack starts in order of health, keeps secrets in files,
// and runs the app read-only.
func TestImageAndCompose(t *testing.T) {
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "FROM gcr.io/distroless/static", "USER 65532:65532", "org.opencontainers.image.revision", "-tags timetzdata"} {
		if !bytes.Contains(df, []byte(want)) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^\s*HEALTHCHECK`).Match(df) {
		t.Error("Dockerfile has a HEALTHCHECK: orchestrators probe /healthz and /readyz")
	}
	// the image stays under 40 MB: the binary as the Dockerfile builds it,
	// plus distroless/static (about 2 MiB)
	if !testing.Short() {
		bin := filepath.Join(t.TempDir(), "ocop")
		build := exec.Command("go", "build", "-trimpath", "-tags", "timetzdata", "-ldflags", "-s -w", "-o", bin, "./cmd/ocop")
		build.Dir, build.Env = "../..", append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("static build: %v\n%s", err, out)
		}
		st, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		if mib := float64(st.Size()) / (1 << 20); mib > 37 {
			t.Errorf("the static binary is %.1f MiB: with the base image the image passes 40 MB", mib)
		} else {
			t.Logf("static binary %.1f MiB (+ about 2 MiB of distroless/static)", mib)
		}
	}
	// the compose file is valid for Compose itself: the reference loader
	// (schema check, interpolation, references between services)
	opts, err := cli.NewProjectOptions([]string{"../compose.yaml"}, cli.WithOsEnv, cli.WithWorkingDirectory(".."), cli.WithName("ocop"))
	if err != nil {
		t.Fatal(err)
	}
	project, err := cli.ProjectFromOptions(context.Background(), opts)
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if len(project.Services) != 6 {
		t.Errorf("%d services in the compose project", len(project.Services))
	}
	raw, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string                       `json:"image"`
			Environment map[string]string            `json:"environment"`
			Secrets     []string                     `json:"secrets"`
			DependsOn   map[string]map[string]string `json:"depends_on"`
			ReadOnly    bool                         `json:"read_only"`
			Healthcheck map[string]any               `json:"healthcheck"`
			Volumes     []string                     `json:"volumes"`
		} `json:"services"`
		Secrets map[string]map[string]string `json:"secrets"`
		Volumes map[string]any               `json:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"postgres", "meilisearch", "minio", "stripe-mock"} {
		if compose.Services[s].Healthcheck == nil {
			t.Errorf("%s has no health check", s)
		}
	}
	app := compose.Services["app"]
	for dep, cond := range map[string]string{"migrate": "service_completed_successfully", "postgres": "service_healthy", "minio": "service_healthy", "meilisearch": "service_healthy"} {
		if app.DependsOn[dep]["condition"] != cond {
			t.Errorf("the app does not wait for %s (%s)", dep, cond)
		}
	}
	if compose.Services["migrate"].DependsOn["postgres"]["condition"] != "service_healthy" {
		t.Error("the migration does not wait for PostgreSQL")
	}
	if !app.ReadOnly {
		t.Error("the app's root file system is writable")
	}
	for name, v := range app.Environment {
		if secretish(name) && !strings.HasSuffix(name, "_FILE") && !strings.HasPrefix(v, "${") && !strings.Contains(v, "_test_") && !strings.HasPrefix(v, "whsec_compose") {
			t.Errorf("the app's %s is written in compose.yaml; use a secret file", name)
		}
	}
	for _, s := range app.Secrets {
		if !strings.HasPrefix(compose.Secrets[s]["file"], "./secrets/") {
			t.Errorf("secret %s is not a file under deploy/secrets", s)
		}
	}
	if len(compose.Volumes) < 3 {
		t.Errorf("named volumes: %v", compose.Volumes)
	}
}
