[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Registry.Tests")]
