#!/bin/sh
echo installer
