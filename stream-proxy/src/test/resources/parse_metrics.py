# Parses a Prometheus text exposition with the Prometheus project's own Python parser and prints every sample as
# JSON: {"name{label=\"value\",...}": value}, labels sorted. Fails on text the parser refuses.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
samples = {}
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
        samples["%s{%s}" % (sample.name, labels)] = sample.value
print(json.dumps(samples))
