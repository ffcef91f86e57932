use std::time::Instant;
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xtask::{bench_corpus, regen};
fn main() {
    let root = regen::repo_root();
    let seeds = regen::read_docs(&root).unwrap();
    let docs = bench_corpus::make_pages(&seeds, 1000);
    let what = std::env::args().nth(1).unwrap_or_default();
    for _ in 0..8 {
        let t = Instant::now();
        if what == "parse" {
            let pages: Vec<_> = docs
                .iter()
                .map(|(p, t)| xtask::parser::parse_page(p, t).unwrap())
                .collect();
            std::hint::black_box(pages);
        } else {
            let pages = regen::parse_all(&docs).unwrap();
            let t1 = t.elapsed();
            let files = codegen::generate_with_threads(&pages, regen::IR_DIR, 1).unwrap();
            std::hint::black_box(files);
            println!("code 1 thread {:?}", t.elapsed() - t1);
            continue;
        }
        println!("{what} {:?}", t.elapsed());
    }
}
