#!/bin/sh
# wave_demo run {{ runtime.run_id }} at {{ config.location }}
{% for time in runtime.period %}echo "{{ time.strftime('%Y-%m-%dT%H:%M') }} {{ config.wave_height }}" >> hs.txt
{% endfor %}echo "wave_demo finished"
