#!/bin/sh
# A stand-in for a queue consumer: does a unit of "work" every few seconds, forever.
n=0
while true; do
  n=$((n + 1))
  echo "worker: job $n done"
  sleep 5
done
