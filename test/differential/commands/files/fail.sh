#!/bin/sh
echo "cannot reach the database"
exit 3
