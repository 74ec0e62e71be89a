[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Telemetry.Tests")]
