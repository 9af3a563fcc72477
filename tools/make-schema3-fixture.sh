#!/bin/sh
# Makes test/unit/storage/fixtures/schema3-state.db.gz: the SQLite file of a Berth from before the move to upstream's
# key layout (schema 3), filled through its API with the real kubectl: core and group objects, the special prefixes
# (services, endpoints, nodes), a CRD with a custom resource, RBAC, an ingress, a lease, a deployment's ReplicaSet and
# pods, a StatefulSet, and updates and deletes in the history. Usage: tools/make-schema3-fixture.sh <old dist/src/cli/main.js>
set -eu
cli=$1
out=$(cd "$(dirname "$0")/.." && pwd)/test/unit/storage/fixtures/schema3-state.db.gz
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
node "$cli" up --runtime sim --data-dir "$dir" --port "$port" >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
i=0; until grep -q '^kubeconfig: ' "$dir/log"; do i=$((i+1)); [ $i -lt 300 ] || { cat "$dir/log"; exit 1; }; sleep 0.2; done
k() { kubectl --kubeconfig "$dir/kubeconfig" "$@"; }
k create namespace shop
k -n shop create configmap settings --from-literal=mode=fast
k -n shop create secret generic creds --from-literal=password=s3cret
k -n shop create service clusterip web --tcp=80:8080
k -n shop create deployment web --image=nginx --replicas=2
k -n shop create role reader --verb=get --resource=pods
k -n shop create rolebinding reader --role=reader --user=alice
k create clusterrole watcher --verb=watch --resource=pods
k -n shop create ingress web --rule='shop.example/=web:80'
k apply -f - <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: lock, namespace: shop}
spec: {holderIdentity: a}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: redis, image: redis}]}}
YAML
k wait --for=condition=Established crd/crontabs.stable.example.com
k apply -f - <<'YAML'
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: shop}
spec: {cron: '0 3 * * *'}
YAML
k -n shop patch configmap settings -p '{"data":{"mode":"slow"}}'
k -n shop create configmap gone --from-literal=x=y
k -n shop delete configmap gone
k -n shop rollout status deployment/web --timeout=60s
k -n shop rollout status statefulset/db --timeout=60s
kill -TERM $pid
wait $pid || true
gzip -9 -c "$dir/state.db" >"$out"
echo "$out"
