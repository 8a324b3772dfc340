const pg = require('pgcodec');
const auth = require('pgcodec/auth');
const { check } = require('./check.mjs');

check(pg, auth).then((report) => console.log(JSON.stringify(report)));
