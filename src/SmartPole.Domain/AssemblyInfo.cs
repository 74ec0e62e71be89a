[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Domain.Tests")]
