#!/usr/bin/env node
// The built CLI lives in dist/ (npm install runs the build through "prepare").
import '../dist/cli/main.js';
