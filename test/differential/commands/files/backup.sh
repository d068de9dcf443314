#!/bin/sh
echo "backing up $1"
echo "done" >&2
