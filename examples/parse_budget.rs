//! The measurements behind the TypeScript parser's budget (`parse::typescript::Budget`): the
//! time and peak memory of one parse of a generated source.
//!
//! ```text
//! cargo run --release --example parse_budget -- SHAPE MIB
//! ```
//!
//! SHAPE is `ordinary` (a NestJS-style service, repeated), `one-line` (the same on one line,
//! as minified code is), `nested` (one expression in nested parentheses) or `broken` (the
//! service with every `}` missing). Run each in its own process: peak memory is the
//! process's (`VmHWM`, Linux only).

use std::process::ExitCode;
use std::time::Instant;

const UNIT: &str = r#"import { Injectable, Inject } from '@nestjs/common';
import type { Request } from 'express';
import * as path from 'node:path';
const helper = require('./helper');
/** A service */
@Injectable()
export class UserService<T extends Record<string, unknown>> {
  private cache = new Map<string, T>();
  constructor(@Inject('CONFIG') private readonly config: ConfigService, private repo: Repo<T>) {}
  async find(id: string, req?: Request): Promise<T | undefined> {
    if (this.cache.has(id)) { return this.cache.get(id); }
    const value = await this.repo.findOne({ where: { id }, relations: ['a', 'b'] });
    for (let i = 0; i < 10; i++) { console.log(`${id}:${i}`, path.join('a', String(i))); }
    return value ? { ...value, fetched: Date.now() } as T : undefined;
  }
}
"#;

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))?
                .split_once(':')
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(shape), Some(mib)) = (
        args.first(),
        args.get(1).and_then(|m| m.parse::<f64>().ok()),
    ) else {
        eprintln!("usage: parse_budget ordinary|one-line|nested|broken MIB");
        return ExitCode::FAILURE;
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a size in MiB"
    )]
    let size = (mib * 1024.0 * 1024.0) as usize;
    let text = match shape.as_str() {
        "ordinary" => UNIT.repeat(size / UNIT.len() + 1),
        "one-line" => UNIT.replace('\n', " ").repeat(size / UNIT.len() + 1),
        "broken" => UNIT.replace('}', "").repeat(size / UNIT.len() + 1),
        "nested" => format!("x = {}1{};", "(".repeat(size / 2), ")".repeat(size / 2)),
        _ => {
            eprintln!("unknown shape `{shape}`");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let result = seaworthy::parse::typescript::parse("generated.ts", &text);
    let elapsed = start.elapsed();
    let outcome = match result {
        Ok(facts) => format!("{} imports", facts.imports.len()),
        Err(e) => e.message,
    };
    println!(
        "{shape}, {:.1} MiB: {outcome}, {elapsed:.2?}, peak memory {}",
        text.len() as f64 / 1_048_576.0,
        peak_memory()
    );
    ExitCode::SUCCESS
}
