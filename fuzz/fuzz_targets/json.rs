#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iac_fix_fuzz::run(iac_fix::lang::Syntax::Json, data));
