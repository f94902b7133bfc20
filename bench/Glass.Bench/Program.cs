using Glass.Bench;

// `dotnet run -c Release --project bench/Glass.Bench -- <name> [options]`; no name lists them.
return BenchCatalog.Run(args);
